import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreCharacters, scoreCorpus, scorePage, shingles, tokenize } from '#extraction';

const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

describe('benchmark metric', () => {
  it('tokenizes like Python re.findall(r"\\w+")', () => {
    assert.deepEqual(tokenize("It's 2019 — naïve café_au_lait, 서울 시청!"), ['It', 's', '2019', 'naïve', 'café_au_lait', '서울', '시청']);
    assert.deepEqual(tokenize(' ,.;'), []);
  });

  it('builds 4-gram shingles as a multiset, with one short shingle for 1–3 tokens', () => {
    assert.equal(shingles(tokenize('a b c d e')).size, 2);
    assert.deepEqual([...shingles(tokenize('a b')).values()], [1]);
    assert.equal(shingles([]).size, 0);
    assert.deepEqual([...shingles(tokenize('a b c d a b c d')).values()], [2, 1, 1, 1]);
  });

  it('gives known per-page values', () => {
    const same = scorePage('one two three four five', 'one two three four five');
    assert.deepEqual([same.precision, same.recall, same.exact], [1, 1, true]);

    // truth shingles: abcd, bcde; prediction: abcd, bcdf → tp 1, fp 1, fn 1 (normalised by 3).
    const half = scorePage('a b c d e', 'a b c d f');
    close(half.tp, 1 / 3);
    close(half.precision, 0.5);
    close(half.recall, 0.5);
    assert.equal(half.exact, false);

    // prediction adds 2 shingles: tp 2, fp 2, fn 0.
    const extra = scorePage('a b c d e', 'a b c d e f g');
    close(extra.precision, 0.5);
    close(extra.recall, 1);

    const empty = scorePage('a b c d', '');
    assert.deepEqual([empty.tp, empty.fp, empty.fn, empty.precision, empty.recall], [0, 0, 1, 0, 0]);

    const nothing = scorePage('', '');
    assert.deepEqual([nothing.precision, nothing.recall, nothing.exact], [1, 1, true]);
  });

  it('averages precision over pages with a prediction and recall over pages with a truth', () => {
    const pages = [scorePage('a b c d e', 'a b c d f'), scorePage('a b c d', ''), scorePage('a b c d e', 'a b c d e')];
    const corpus = scoreCorpus(pages);
    // precision: pages 1 and 3 only (page 2 predicted nothing): (0.5 + 1) / 2.
    close(corpus.precision, 0.75);
    // recall: all three pages: (0.5 + 0 + 1) / 3.
    close(corpus.recall, 0.5);
    close(corpus.f1, (2 * 0.75 * 0.5) / 1.25);
    close(corpus.accuracy, 1 / 3);
  });

  it('scores unspaced scripts on characters and on bigrams inside runs of letters', () => {
    // Characters ignore spaces and punctuation: an invented space costs nothing.
    const chars = scoreCharacters('据美国科技博客报道。', '据美国 科技 博客报道', 1);
    assert.deepEqual([chars.precision, chars.recall], [1, 1]);
    // Bigrams: "据美 美国 国科 科技 技博 博客 客报 报道" against "据美 美国 | 科技 | 博客 客报 报道":
    // two bigrams lost across the spaces, none added.
    close(scoreCharacters('据美国科技博客报道。', '据美国 科技 博客报道', 2).recall, 6 / 8);
    close(scoreCharacters('据美国科技博客报道。', '据美国 科技 博客报道', 2).precision, 1);
    // A one-character run is a token of its own.
    assert.equal(scoreCharacters('一 二', '一 二', 2).exact, true);
  });
});
