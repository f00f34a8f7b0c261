#!/usr/bin/python3
"""Training-speed reference: SentencePiece BPE (Debian python3-sentencepiece) on one thread.

    /usr/bin/python3 tools/tokenizer_fixtures/sentencepiece_train.py FILE VOCAB_SIZE

Prints one JSON line: {"impl": "sentencepiece-bpe", "bytes", "vocab_size", "seconds"}.
Compare with: ./curriculum tokenizer train --type bpe --vocab-size VOCAB_SIZE --input FILE --out /tmp/t.json
"""
import json, os, sys, tempfile, time
import sentencepiece as spm

path, vocab = sys.argv[1], int(sys.argv[2])
with tempfile.TemporaryDirectory() as d:
    t0 = time.perf_counter()
    spm.SentencePieceTrainer.train(input=path, model_prefix=os.path.join(d, "m"), model_type="bpe", vocab_size=vocab,
                                   num_threads=1, character_coverage=0.9995, max_sentence_length=1 << 16,
                                   minloglevel=2)
    s = time.perf_counter() - t0
print(json.dumps({"impl": "sentencepiece-bpe", "bytes": os.path.getsize(path), "vocab_size": vocab, "seconds": round(s, 3)}))
