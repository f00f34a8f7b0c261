#!/usr/bin/python3
"""Unigram (SentencePiece) reference fixtures, made with Debian's python3-sentencepiece (0.1.97).

    apt-get install -y python3-sentencepiece
    /usr/bin/python3 tools/tokenizer_fixtures/make_unigram_fixtures.py

Trains SentencePiece's Unigram trainer (Kudo 2018) on lines of data/corpora/hq.jsonl (English) and
data/corpora/zh.jsonl (Chinese), then writes tests/fixtures/tokenization/sentencepiece_unigram.json:
  settings      the trainer settings (the C# tests train with the same ones)
  pieces        [piece, score, kind] in id order: kind is unknown, control, byte or normal
  segmentations held-out lines (English, Chinese, the hard test text) with SentencePiece's ids
  heldout       per language: characters, SentencePiece's token count and Viterbi log-probability
                (unknown characters scored as SentencePiece's lattice does: min score - 10) of all held-out lines

The lines: documents in file order, every 10th (index % 10 == 0) held out, the others taken for training
until TRAIN_CHARS characters; each document is cut at '\n' and its non-empty lines are the sentences.
Normalisation is the identity (no NFKC) and every space is kept, so the text the model sees is the text.
"""
import json, math, os, tempfile
import sentencepiece as spm

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TRAIN_CHARS = {"en": 150_000, "zh": 100_000}
CORPUS = {"en": "hq.jsonl", "zh": "zh.jsonl"}
SEGMENTED_LINES = 150  # held-out lines per language stored with their ids
SETTINGS = dict(model_type="unigram", vocab_size=4000, character_coverage=0.9995, byte_fallback=True,
                normalization_rule_name="identity", remove_extra_whitespaces=False, add_dummy_prefix=True,
                split_by_unicode_script=False, split_by_number=False, split_digits=False,
                max_sentencepiece_length=16, shrinking_factor=0.75, num_sub_iterations=2,
                seed_sentencepiece_size=1_000_000)


def lines(lang):
    train, test, n = [], [], 0
    with open(os.path.join(ROOT, "data", "corpora", CORPUS[lang]), encoding="utf-8") as f:
        for i, line in enumerate(f):
            doc = json.loads(line)["text"]
            sentences = [s for s in doc.split("\n") if s.strip() != ""]
            if i % 10 == 0:
                test += sentences
            elif n < TRAIN_CHARS[lang]:
                train += sentences
                n += len(doc)
    return train, test


def main():
    data = {lang: lines(lang) for lang in CORPUS}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "train.txt")
        with open(path, "w", encoding="utf-8") as f:
            for lang in CORPUS:
                for s in data[lang][0]:
                    f.write(s + "\n")
        spm.SentencePieceTrainer.train(input=path, model_prefix=os.path.join(d, "m"), num_threads=1,
                                       max_sentence_length=1 << 16, minloglevel=2, **SETTINGS)
        sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "m.model"))

    def kind(i):
        return "unknown" if sp.is_unknown(i) else "control" if sp.is_control(i) else "byte" if sp.is_byte(i) else "normal"
    pieces = [[sp.id_to_piece(i), sp.get_score(i), kind(i)] for i in range(sp.get_piece_size())]
    unk_score = min(s for _, s, k in pieces if k == "normal") - 10.0

    def viterbi_score(ids):
        # byte pieces stand for one unknown character's bytes: score it once, at its first byte
        score, i = 0.0, 0
        while i < len(ids):
            if sp.is_byte(ids[i]):
                lead = int(sp.id_to_piece(ids[i])[3:5], 16)
                i += 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
                score += unk_score
            else:
                score += sp.get_score(ids[i])
                i += 1
        return score

    hard = open(os.path.join(ROOT, "tests", "fixtures", "tokenization", "hard_text.txt"), encoding="utf-8").read()
    texts = data["en"][1][:SEGMENTED_LINES] + data["zh"][1][:SEGMENTED_LINES] + [s for s in hard.split("\n") if s != ""]
    segmentations = [{"text": t, "ids": sp.encode(t)} for t in texts]
    heldout = {}
    for lang in CORPUS:
        test = data[lang][1]
        ids = [sp.encode(t) for t in test]
        heldout[lang] = {"lines": len(test), "characters": sum(len(t) for t in test),
                         "tokens": sum(len(x) for x in ids), "log_probability": sum(viterbi_score(x) for x in ids)}
    out = os.path.join(ROOT, "tests", "fixtures", "tokenization", "sentencepiece_unigram.json")
    with open(out, "w", encoding="utf-8") as f:
        f.write("{\n")
        f.write(' "reference": ' + json.dumps(f"sentencepiece {spm.__version__}") + ",\n")
        f.write(' "train_chars": ' + json.dumps(TRAIN_CHARS) + ",\n")
        f.write(' "settings": ' + json.dumps(SETTINGS) + ",\n")
        f.write(' "heldout": ' + json.dumps(heldout) + ",\n")
        f.write(' "pieces": [\n' + ",\n".join("  " + json.dumps(p, ensure_ascii=False) for p in pieces) + "\n ],\n")
        f.write(' "segmentations": [\n' + ",\n".join("  " + json.dumps(s, ensure_ascii=False) for s in segmentations) + "\n ]\n")
        f.write("}\n")
    print(f"wrote {out}: {len(pieces)} pieces, {len(segmentations)} segmented lines, held out "
          + ", ".join(f"{k}: {v['tokens']} tokens / {v['characters']} chars" for k, v in heldout.items()))


if __name__ == "__main__":
    main()
