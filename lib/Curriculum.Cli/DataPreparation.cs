using System.Text;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli;

/// <summary>
/// Runs a <see cref="DataConfig"/>: every source read, cleaned, deduplicated, decontaminated, encoded and packed into
/// its own shard folder under the output folder, with report.json beside them.
/// Two passes: the first cleans and drops exact duplicates while it streams, writes the survivors to a staging JSONL
/// and keeps only their MinHash signatures; near-duplicates are found over all of them; the second pass drops
/// near-duplicates and contaminated documents and writes the shards. Deduplication runs across sources in config
/// order: a document repeating one of an earlier source (or earlier in its own) is removed, the first kept.
/// Everything is written under a hidden staging folder and each source folder is moved into place only when all
/// sources are complete, so a failure leaves no half-written source folder.
/// </summary>
static class DataPreparation
{
    const int Examples = 5;

    sealed class SourceRun(DataSourceConfig config)
    {
        public DataSourceConfig Config { get; } = config;
        public ReadReport Read { get; } = new();
        public Cleaner? Cleaner { get; set; }
        public long ExactRemoved { get; set; }
        public long NearRemoved { get; set; }
        public List<object> DuplicateExamples { get; } = [];
        public int First { get; set; }          // index of its first staged document in the near-duplicate finder
        public int Staged { get; set; }
        public Decontaminator? Decontaminator { get; set; }
        public TokenShardIndex? Index { get; set; }
    }

    public static int Run(DataConfig cfg, string outDir)
    {
        var (encode, eos, encoding) = LoadEncoder(cfg);
        string? tokenizerSha = cfg.Tokenizer is { } tp ? TokenizerFingerprint.Of(tp) : null;
        NgramIndex? evalIndex = null;
        NgramSettings? ngrams = null;
        if (cfg.Decontaminate is { } dc)
        {
            var evalDocs = CorpusReader.Read(dc.Eval).ToList();
            ngrams = NgramSettings.Choose(evalDocs, dc.Unit, dc.N);
            evalIndex = new NgramIndex(ngrams, dc.MinContained);
            evalIndex.AddRange(evalDocs);
            Console.Error.WriteLine($"decontaminate: {ngrams.Label}-grams, {ngrams.Why}");
        }

        outDir = Path.GetFullPath(outDir);
        Directory.CreateDirectory(outDir);
        string staging = Path.Combine(outDir, $".prepare-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string stagedDocs = Path.Combine(staging, ".documents");
        var runs = cfg.Sources.Select(s => new SourceRun(s)).ToList();
        try
        {
            var exact = cfg.Dedup != null ? new ExactDeduplicator(samples: int.MaxValue) : null;
            var near = cfg.Dedup is { } dd ? new NearDuplicateFinder(new NearDuplicateOptions(dd.Threshold, dd.ShingleWords, dd.Permutations)) : null;
            var ids = new List<string>();

            // pass 1: read, clean, drop exact repeats; stage the survivors
            foreach (var run in runs)
            {
                run.Cleaner = cfg.Clean is { } c ? Cleaner.Default(c) : null;
                run.First = ids.Count;
                using var writer = new JsonlWriter(Path.Combine(stagedDocs, run.Config.Name + ".jsonl"));
                foreach (var raw in CorpusReader.Read(run.Config.Inputs, run.Config.Split, run.Config.Separator, run.Read))
                {
                    var doc = run.Cleaner is null ? raw : run.Cleaner.Clean(raw);
                    if (doc is null) continue;
                    if (exact != null)
                    {
                        int before = exact.Samples.Count;
                        if (!exact.IsNew(doc))
                        {
                            run.ExactRemoved++;
                            if (run.DuplicateExamples.Count < Examples && exact.Samples.Count > before)
                                run.DuplicateExamples.Add(new { id = doc.Id, duplicate_of = exact.Samples[^1].KeptId, kind = "exact" });
                            continue;
                        }
                    }
                    near?.Add(doc.Text);
                    ids.Add(doc.Id);
                    writer.Write(doc);
                }
                writer.Commit();
                run.Staged = ids.Count - run.First;
            }

            bool[]? keep = null;
            if (near != null)
            {
                var found = near.Find();
                keep = found.Keep;
                foreach (var cluster in found.Clusters)
                    for (int k = 0; k < cluster.Removed.Length; k++)
                    {
                        var owner = runs.Last(r => r.First <= cluster.Removed[k]);
                        if (owner.DuplicateExamples.Count < Examples)
                            owner.DuplicateExamples.Add(new { id = ids[cluster.Removed[k]], duplicate_of = ids[cluster.Kept], kind = "near", estimated_jaccard = Math.Round(cluster.EstimatedJaccard[k], 3) });
                    }
            }

            // pass 2: drop near-duplicates and contaminated documents; encode and pack
            foreach (var run in runs)
            {
                var staged = Path.Combine(stagedDocs, run.Config.Name + ".jsonl");
                IEnumerable<Document> docs = run.Staged == 0 ? [] : JsonlReader.Read(staged);
                if (keep != null)
                {
                    int at = run.First;
                    var k = keep;
                    docs = docs.Where(_ => k[at++]);
                    for (int i = run.First; i < run.First + run.Staged; i++) if (!keep[i]) run.NearRemoved++;
                }
                if (evalIndex != null)
                {
                    run.Decontaminator = new Decontaminator(evalIndex, ContaminationAction.Remove, cfg.Decontaminate!.MinMatches);
                    docs = run.Decontaminator.Filter(docs);
                }
                run.Index = TokenShards.Write(docs, encode, eos, Path.Combine(staging, run.Config.Name), cfg.ShardTokens,
                    cfg.Tokenizer is { } t ? Path.GetFullPath(t) : null, tokenizerSha, cfg.Clean);
                File.Delete(staged);
            }

            // every source complete: move each folder into place (replacing an earlier run's), then the report
            foreach (var run in runs)
            {
                string target = Path.Combine(outDir, run.Config.Name);
                if (Directory.Exists(target)) Directory.Move(target, Path.Combine(staging, ".replaced-" + run.Config.Name));
                Directory.Move(Path.Combine(staging, run.Config.Name), target);
            }
            string reportPath = Path.Combine(outDir, "report.json");
            File.WriteAllText(reportPath + ".tmp", Report(cfg, runs, encoding, eos, evalIndex, ngrams));
            File.Move(reportPath + ".tmp", reportPath, overwrite: true);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }

        foreach (var run in runs) Console.WriteLine(Summary(cfg, run, outDir));
        Console.WriteLine($"{runs.Sum(r => r.Index!.Tokens)} tokens in {runs.Count} source folders under {outDir} ({encoding}, EOS {eos}); report: {Path.Combine(outDir, "report.json")}");
        return 0;
    }

    static (TextEncoder Encode, int Eos, string Encoding) LoadEncoder(DataConfig cfg)
    {
        if (cfg.Tokenizer is not { } path)
            return (text => Array.ConvertAll(Encoding.UTF8.GetBytes(text), b => (int)b), Commands.DataPrepareCommand.ByteEos, "byte-level");
        Tokenization.Tokenizer tok;
        try { tok = Tokenization.TokenizerJson.Load(path); }
        catch (FormatException e) { throw new ConfigException($"{cfg.File}: $.tokenizer: {e.Message}"); }
        return (text => [.. tok.EncodeToIds(text)], TextEncoders.EosId(tok), $"{Path.GetFileName(path)}, {tok.VocabularySize} tokens");
    }

    static long CleanRemoved(SourceRun r) => r.Cleaner is null ? 0 : r.Cleaner.Report.DocumentsIn - r.Cleaner.Report.DocumentsOut;

    static string Summary(DataConfig cfg, SourceRun r, string outDir)
    {
        var steps = new List<string>();
        if (r.Cleaner != null) steps.Add($"clean -{CleanRemoved(r)}");
        if (cfg.Dedup != null) steps.Add($"dedup -{r.ExactRemoved + r.NearRemoved} ({r.ExactRemoved} exact, {r.NearRemoved} near)");
        if (r.Decontaminator != null) steps.Add($"decontaminate -{r.Decontaminator.Report.Removed}");
        string skipped = r.Read.Skipped > 0 ? $" [skipped files: {r.Read}]" : "";
        return $"{r.Config.Name}: {r.Read.Documents} documents read; {(steps.Count > 0 ? string.Join(", ", steps) + "; " : "")}{r.Index!.Documents} documents, "
            + $"{r.Index.Tokens} tokens in {r.Index.Shards.Length} shards -> {Path.Combine(outDir, r.Config.Name)}{skipped}";
    }

    static string Report(DataConfig cfg, List<SourceRun> runs, string encoding, int eos, NgramIndex? evalIndex, NgramSettings? ngrams) =>
        JsonSerializer.Serialize(new
        {
            config = Path.GetFullPath(cfg.File),
            encoding, eos,
            tokenizer = cfg.Tokenizer is { } tok ? Path.GetFullPath(tok) : null,
            clean = cfg.Clean,
            shard_tokens = cfg.ShardTokens,
            dedup = cfg.Dedup is { } d ? new { threshold = d.Threshold, shingle_words = d.ShingleWords, permutations = d.Permutations, scope = "across sources, in config order; the first occurrence is kept" } : null,
            decontaminate = cfg.Decontaminate is { } e ? new { eval = e.Eval, unit = ngrams!.Unit.ToString().ToLowerInvariant(), n = ngrams.N, unit_choice = ngrams.Why, min_contained = evalIndex!.MinContained, eval_contained_whole = evalIndex.Contained, eval_too_short = evalIndex.TooShort, min_matches = e.MinMatches, eval_documents = evalIndex.Documents, eval_ngrams = evalIndex.Count } : null,
            sources = runs.Select(r => new
            {
                name = r.Config.Name,
                shards = r.Config.Name,
                inputs = r.Config.Inputs,
                files_read = r.Read.FilesRead,
                skipped_files = new { binary = r.Read.BinaryFiles, empty = r.Read.EmptyFiles },
                documents_read = r.Read.Documents,
                clean = r.Cleaner is null ? null : new
                {
                    removed = CleanRemoved(r),
                    filters = r.Cleaner.Report.Filters.Select(f => new { name = f.Name, removed = f.Removed, changed = f.Changed, reasons = f.Reasons }),
                    nfkc_changes = r.Cleaner.Normalizer?.Changes,
                },
                dedup = cfg.Dedup is null ? null : new { removed = r.ExactRemoved + r.NearRemoved, exact = r.ExactRemoved, near = r.NearRemoved, examples = r.DuplicateExamples },
                decontaminate = r.Decontaminator is null ? null : new
                {
                    removed = r.Decontaminator.Report.Removed,
                    hits = r.Decontaminator.Report.Hits.Select(h => new { id = h.TrainingId, eval_id = h.EvalId, matched_ngrams = h.MatchedNgrams }),
                },
                documents_written = r.Index!.Documents,
                tokens_written = r.Index.Tokens,
                shard_files = r.Index.Shards.Length,
            }),
        }, new JsonSerializerOptions(Commands.DataCommand.Json) { WriteIndented = true });
}
