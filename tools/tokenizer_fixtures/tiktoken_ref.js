#!/usr/bin/env node
// tiktoken (npm package `tiktoken`) as a reference the tests call at run time.
//
//   node tiktoken_ref.js --export-ranks DIR       write DIR/NAME.tiktoken (base64 token, space, rank)
//                                                 for gpt2, r50k_base, p50k_base, cl100k_base, o200k_base
//   node tiktoken_ref.js --encode FILE OUT NAME... write OUT: {"NAME": [ids of FILE], ...}, all specials allowed
//
// Needs: npm ci --prefix tools/node; NODE_PATH=tools/node/node_modules node tools/tokenizer_fixtures/tiktoken_ref.js ...
const fs = require('fs');
const path = require('path');
const NAMES = ['gpt2', 'r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'];

function exportRanks(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const encodersDir = path.join(path.dirname(require.resolve('tiktoken')), 'encoders');
  for (const name of NAMES) {
    const spec = JSON.parse(fs.readFileSync(path.join(encodersDir, name + '.json'), 'utf8'));
    const lines = [];
    // the package stores lines of "<tag> <first rank> <base64 token> <base64 token> ...", ranks consecutive
    for (const line of spec.bpe_ranks.split('\n').filter(Boolean)) {
      const [, first, ...tokens] = line.split(' ');
      tokens.forEach((t, i) => lines.push(`${t} ${Number(first) + i}`));
    }
    const file = path.join(dir, name + '.tiktoken');
    fs.writeFileSync(file + '.tmp', lines.join('\n') + '\n');
    fs.renameSync(file + '.tmp', file);
  }
}

function encode(file, outFile, names) {
  const { get_encoding } = require('tiktoken');
  const text = fs.readFileSync(file, 'utf8');
  const result = {};
  for (const name of names) {
    const enc = get_encoding(name);
    result[name] = Array.from(enc.encode(text, 'all'));
    enc.free();
  }
  fs.writeFileSync(outFile, JSON.stringify(result));
}

const a = process.argv.slice(2);
if (a[0] === '--export-ranks' && a.length === 2) exportRanks(a[1]);
else if (a[0] === '--encode' && a.length >= 4) encode(a[1], a[2], a.slice(3));
else { console.error('usage: see the header of this file'); process.exit(2); }
