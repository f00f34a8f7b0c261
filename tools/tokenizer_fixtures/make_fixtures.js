#!/usr/bin/env node
// Makes the tokenizer test fixtures from the reference implementations.
//
//   npm ci --prefix tools/node
//   NODE_PATH=tools/node/node_modules node tools/tokenizer_fixtures/make_fixtures.js
//
// Writes tests/fixtures/tokenization/:
//   hard_text.txt      the multilingual text of hard_text.js (UTF-8)
//   tiktoken_ids.json  tiktoken's ids (npm `tiktoken`, every special token allowed) of hard_text.txt
//                      for gpt2, r50k_base, p50k_base, cl100k_base, o200k_base, and cl100k_base's
//                      encode_ordinary (special tokens read as plain text) under "cl100k_base_ordinary"
const fs = require('fs');
const path = require('path');
const { get_encoding } = require('tiktoken');

const out = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'tokenization');
fs.mkdirSync(out, { recursive: true });
const text = require('./hard_text.js');
fs.writeFileSync(path.join(out, 'hard_text.txt'), text);
const ids = {};
for (const name of ['gpt2', 'r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base']) {
  const enc = get_encoding(name);
  ids[name] = Array.from(enc.encode(text, 'all'));
  if (name === 'cl100k_base') ids['cl100k_base_ordinary'] = Array.from(enc.encode_ordinary(text));
  enc.free();
}
fs.writeFileSync(path.join(out, 'tiktoken_ids.json'),
  '{\n' + Object.entries(ids).map(([k, v]) => ` "${k}": ${JSON.stringify(v)}`).join(',\n') + '\n}\n');
console.log(`wrote ${out}: ${Buffer.byteLength(text)} bytes of text; ` +
  Object.entries(ids).map(([k, v]) => `${k} ${v.length} ids`).join(', '));
