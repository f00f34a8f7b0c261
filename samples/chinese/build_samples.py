#!/usr/bin/env python3
"""Builds the Chinese walkthrough's small files from data/corpora/zh.jsonl (shipped; nothing is downloaded).

    /usr/bin/python3 samples/chinese/build_samples.py

task-train.jsonl / task-test.jsonl: which book a saying comes from, 论语 (the Analects) or 菜根谭 (Caigentan),
  the attribution line removed; the test split is fixed by SHA-256 of the id (mod 5 == 0), so a rerun gives the
  same bytes.
new-notes.jsonl: unlabelled sayings for `curriculum predict` (the first test texts, ids only).
notes-gbk.txt: a few lines of the corpus as an old system would export them, in GB18030 (GBK), one per line,
  to show the encoding error and --encoding gb18030.
"""
import hashlib, json, os, re

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "data", "corpora", "zh.jsonl")
ATTRIBUTION = re.compile(r"\n\s*--\s*(.*)$")


def label_of(attribution):
    if "论语" in attribution:
        return "论语"
    if "菜根谭" in attribution:
        return "菜根谭"
    return None


def write_jsonl(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


train, test, gbk_lines = [], [], []
with open(CORPUS, encoding="utf-8") as f:
    for line in f:
        doc = json.loads(line)
        m = ATTRIBUTION.search(doc["text"].rstrip())
        if not m:
            continue
        label = label_of(m.group(1))
        if label is None:
            continue
        text = doc["text"][: m.start()].strip()
        row = {"id": doc["id"], "text": text, "label": label}
        (test if int(hashlib.sha256(doc["id"].encode()).hexdigest(), 16) % 5 == 0 else train).append(row)
        if label == "菜根谭" and len(gbk_lines) < 12:
            gbk_lines.append(text.replace("\n", ""))

write_jsonl("task-train.jsonl", train)
write_jsonl("task-test.jsonl", test)
write_jsonl("new-notes.jsonl", [{"id": r["id"], "text": r["text"]} for r in test[:8]])
with open(os.path.join(HERE, "notes-gbk.txt"), "wb") as f:
    f.write("\n".join(gbk_lines + ["子曰：“巧言令色，鲜矣仁！”", "席不正，不坐。"]).encode("gb18030") + b"\n")
print(f"task-train.jsonl {len(train)}, task-test.jsonl {len(test)}, new-notes.jsonl 8, notes-gbk.txt {len(gbk_lines) + 2} lines")
