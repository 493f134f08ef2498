#!/usr/bin/env python3
"""Measures what the two candidate layouts cost on the local filesystem.

flat:    one directory, names `<articleId>_image<n>.jpg` (the seed question's second option)
nested:  `articles/<yyyy>/<mm>/<dd>/<2-hex shard>/<articleId>/image-<nnn>.jpg`

Usage: python3 apps/files/tools/layout-probe.py <scratch dir> [articles] [parts per article]
Empty files: only directory and inode costs are measured, not data. Removes everything it made.
"""
import hashlib, os, shutil, subprocess, sys, time

root = sys.argv[1]
articles = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
parts = int(sys.argv[3]) if len(sys.argv) > 3 else 10
days = 10


def timed(label, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<58} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def run(cmd):
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def drop_caches():
    # Cold-cache figures are what a backup or a restarted sweep sees; needs root, else warm figures.
    try:
        os.sync()
        with open('/proc/sys/vm/drop_caches', 'w') as f:
            f.write('3')
        return True
    except OSError:
        return False


def make_flat(base):
    os.makedirs(base)
    for a in range(1, articles + 1):
        for p in range(1, parts + 1):
            os.close(os.open(f"{base}/{a}_image{p}.jpg", os.O_CREAT | os.O_WRONLY, 0o644))


def nested_dir(base, a):
    shard = hashlib.sha256(f"article:{a}".encode()).hexdigest()[:2]
    day = 1 + a % days
    return f"{base}/articles/2026/11/{day:02d}/{shard}/{a}"


def make_nested(base):
    for a in range(1, articles + 1):
        d = nested_dir(base, a)
        os.makedirs(d, exist_ok=True)
        for p in range(1, parts + 1):
            os.close(os.open(f"{d}/image-{p:03d}.jpg", os.O_CREAT | os.O_WRONLY, 0o644))


flat = os.path.join(root, 'flat')
nested = os.path.join(root, 'nested')
files = articles * parts
print(f"{articles} articles x {parts} parts = {files} files; cold cache: {drop_caches()}")
timed('create flat (one directory)', lambda: make_flat(flat))
timed('create nested (date/shard/article)', lambda: make_nested(nested))
print(f"flat directory inode size: {os.stat(flat).st_size / 1e6:.1f} MB")
print(f"largest nested leaf-parent (shard) entries: "
      f"{max(len(os.listdir(os.path.join(dp))) for dp, dn, fn in os.walk(nested) if dn and not fn and len(dp.split(os.sep)) == len(nested.split(os.sep)) + 5)}")

drop_caches(); timed('ls (sorted) flat', lambda: run(f"ls {flat} > /dev/null"))
drop_caches(); timed('ls -l (sorted, stat each) flat', lambda: run(f"ls -l {flat} > /dev/null"))
drop_caches(); timed('ls -l one shard directory, nested', lambda: run(f"ls -l {os.path.dirname(nested_dir(nested, 7))} > /dev/null"))
drop_caches(); timed('find parts of one article, flat (glob = full readdir)', lambda: run(f"ls -d {flat}/7_image* > /dev/null"))
drop_caches(); timed('find parts of one article, nested (readdir its folder)', lambda: run(f"ls {nested_dir(nested, 7)} > /dev/null"))
drop_caches(); timed('rsync -a --dry-run flat (backup walk)', lambda: run(f"rsync -a --dry-run {flat}/ /tmp/nowhere-flat/"))
drop_caches(); timed('rsync -a --dry-run nested (backup walk)', lambda: run(f"rsync -a --dry-run {nested}/ /tmp/nowhere-nested/"))
drop_caches(); timed('rsync -a --dry-run one day, nested (incremental backup)', lambda: run(f"rsync -a --dry-run {nested}/articles/2026/11/01/ /tmp/nowhere-day/"))
drop_caches(); timed('delete one day of articles, nested (rm -r <day>)', lambda: run(f"rm -r {nested}/articles/2026/11/01"))
drop_caches(); timed('rm -r flat', lambda: shutil.rmtree(flat))
drop_caches(); timed('rm -r nested (remaining days)', lambda: shutil.rmtree(nested))
