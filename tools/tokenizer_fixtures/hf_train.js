#!/usr/bin/env node
// Training-speed reference: Hugging Face tokenizers (npm `tokenizers`) trains a byte-level BPE with its
// default BpeTrainer (the node bindings expose no trainer options: vocabulary 30,000). One thread:
// RAYON_NUM_THREADS=1.
//
//   RAYON_NUM_THREADS=1 NODE_PATH=tools/node/node_modules node tools/tokenizer_fixtures/hf_train.js FILE [OUT.json]
// Prints one JSON line: {"impl": "hf-tokenizers-bpe", "bytes", "vocab_size", "seconds"}.
// Compare with: ./curriculum tokenizer train --type bpe --vocab-size 30000 --min-frequency 1 --input FILE --out /tmp/t.json
const fs = require('fs');
const { Tokenizer, BPE, byteLevelPreTokenizer } = require('tokenizers');
const [file, out] = process.argv.slice(2);
if (!file) { console.error('usage: see the header of this file'); process.exit(2); }
const tok = new Tokenizer(BPE.empty());
tok.setPreTokenizer(byteLevelPreTokenizer(false, true));
const t0 = process.hrtime.bigint();
tok.train([file]);
const s = Number(process.hrtime.bigint() - t0) / 1e9;
if (out) tok.save(out);
console.log(JSON.stringify({ impl: 'hf-tokenizers-bpe', bytes: fs.statSync(file).size, vocab_size: tok.getVocabSize(), seconds: +s.toFixed(3) }));
