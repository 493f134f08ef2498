/** The catalog's winston logger (one per app process). */
