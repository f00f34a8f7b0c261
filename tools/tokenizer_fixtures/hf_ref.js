#!/usr/bin/env node
// Hugging Face tokenizers (npm package `tokenizers`, the Rust library through Node bindings) as a
// reference the tests call at run time on tokenizer.json files this library writes.
//
//   node hf_ref.js REQUEST.json OUT.json
// REQUEST: {"tokenizer": PATH, "texts": [STRING...], "pairs": [[A, B]...] (optional), "addSpecialTokens": BOOL}
// OUT:     {"texts": [{"ids", "typeIds", "tokens", "offsets", "decoded"}...], "pairs": [...same...]}
//          decoded = decode(ids, skipSpecialTokens=true)
// Needs: npm ci --prefix tools/node; NODE_PATH=tools/node/node_modules node tools/tokenizer_fixtures/hf_ref.js ...
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

(async () => {
  const [reqFile, outFile] = process.argv.slice(2);
  if (!reqFile || !outFile) { console.error('usage: see the header of this file'); process.exit(2); }
  const req = JSON.parse(fs.readFileSync(reqFile, 'utf8'));
  const tok = Tokenizer.fromFile(req.tokenizer);
  const opts = { addSpecialTokens: !!req.addSpecialTokens };
  const describe = async e => ({
    ids: e.getIds(), typeIds: e.getTypeIds(), tokens: e.getTokens(), offsets: e.getOffsets(),
    decoded: await tok.decode(e.getIds(), true),
  });
  const out = { texts: [], pairs: [] };
  for (const t of req.texts || []) out.texts.push(await describe(await tok.encode(t, null, opts)));
  for (const [a, b] of req.pairs || []) out.pairs.push(await describe(await tok.encode(a, b, opts)));
  fs.writeFileSync(outFile, JSON.stringify(out));
})().catch(e => { console.error(String(e && e.stack || e)); process.exit(1); });
