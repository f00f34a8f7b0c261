using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum bench data dedup|pack|stream</c>: one JSON line each.
/// dedup: near-duplicate removal of generated documents (~500 chars) with planted near-copies,
/// single thread, recall and precision of the planted copies (targets: &lt; 30 s for 100k, both &gt;= 0.95).
/// pack: packing throughput in MB/s of int32 token ids (target &gt;= 50).
/// stream: read + clean a generated JSONL file, sampling the process's memory as it goes (target: flat).</summary>
static class BenchDataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Data pipeline benchmarks: near-duplicate removal, packing, streaming memory.");
        data.Subcommands.Add(Dedup());
        data.Subcommands.Add(Pack());
        data.Subcommands.Add(Stream());
        return data;
    }

    static Command Dedup()
    {
        var docs = new Option<int>("--docs") { Description = "Documents, planted copies included.", DefaultValueFactory = _ => 100_000 };
        var planted = new Option<double>("--planted") { Description = "Fraction of documents that are edited copies of an earlier one.", DefaultValueFactory = _ => 0.05 };
        var threshold = new Option<double>("--threshold") { DefaultValueFactory = _ => 0.8 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var cmd = new Command("dedup", "MinHash/LSH near-duplicate removal of generated ~500-char documents with planted near-copies.") { docs, planted, threshold, seed };
        cmd.SetAction(p =>
        {
            int n = p.GetValue(docs);
            var rng = new SplitMix64((ulong)p.GetValue(seed));
            var vocab = Vocabulary(30_000, rng);
            var texts = new string[n];
            var copyOf = new int[n];
            Array.Fill(copyOf, -1);
            for (int i = 0; i < n; i++)
            {
                if (i > 100 && rng.NextDouble() < p.GetValue(planted))
                {
                    int src = rng.NextInt(i);
                    while (copyOf[src] >= 0) src = copyOf[src];
                    copyOf[i] = src;
                    texts[i] = Edit(texts[src], vocab, rng);
                }
                else texts[i] = RandomDocument(vocab, rng, 500);
            }
            var options = new NearDuplicateOptions(p.GetValue(threshold));
            long before = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            var finder = new NearDuplicateFinder(options);
            foreach (var t in texts) finder.Add(t);
            double signSeconds = clock.Elapsed.TotalSeconds;
            var result = finder.Find();
            double seconds = clock.Elapsed.TotalSeconds;
            // Ground truth: a planted copy should be removed, in the cluster of its original.
            var clusterOf = new int[n];
            for (int i = 0; i < n; i++) clusterOf[i] = i;
            foreach (var c in result.Clusters) foreach (var r in c.Removed) clusterOf[r] = c.Kept;
            int plantedCount = 0, found = 0, removed = 0, removedPlanted = 0;
            var exact = new List<double>();
            for (int i = 0; i < n; i++)
            {
                if (copyOf[i] >= 0)
                {
                    plantedCount++;
                    if (!result.Keep[i] && clusterOf[i] == clusterOf[copyOf[i]]) found++;
                    if (exact.Count < 2000) exact.Add(WordNgrams.Jaccard(WordNgrams.ShingleSet(texts[i], options.ShingleSize), WordNgrams.ShingleSet(texts[copyOf[i]], options.ShingleSize)));
                }
                if (!result.Keep[i]) { removed++; if (copyOf[i] >= 0) removedPlanted++; }
            }
            Emit(new
            {
                bench = "data.dedup", docs = n, mean_chars = texts.Average(t => t.Length), planted = plantedCount,
                planted_exact_jaccard_min = exact.Min(), planted_exact_jaccard_mean = exact.Average(),
                threshold = options.Threshold, bands = result.Lsh.Bands, rows = result.Lsh.Rows, permutations = options.NumPermutations,
                seconds = Math.Round(seconds, 3), signature_seconds = Math.Round(signSeconds, 3), threads = 1,
                recall = (double)found / plantedCount, precision = removed == 0 ? 1 : (double)removedPlanted / removed,
                removed, candidate_pairs = result.CandidatePairs, allocated_mb = (GC.GetTotalAllocatedBytes() - before) / 1e6,
                target = "seconds < 30, recall >= 0.95, precision >= 0.95",
            });
            return 0;
        });
        return cmd;
    }

    static Command Pack()
    {
        var tokens = new Option<long>("--tokens") { Description = "Token ids to pack.", DefaultValueFactory = _ => 50_000_000 };
        var seqLen = new Option<int>("--seq-len") { DefaultValueFactory = _ => 1024 };
        var cmd = new Command("pack", "Packing throughput of int32 token ids into seq_len rows.") { tokens, seqLen };
        cmd.SetAction(p =>
        {
            var rng = new SplitMix64(3);
            var docs = new List<int[]>();
            long total = 0;
            while (total < p.GetValue(tokens))
            {
                var d = new int[1 + rng.NextInt(3000)];
                for (int i = 0; i < d.Length; i++) d[i] = 1 + (int)(rng.NextUInt64() % 50_000);
                docs.Add(d); total += d.Length;
            }
            var packer = new SequencePacker(p.GetValue(seqLen), 0);
            long checksum = 0;
            var clock = Stopwatch.StartNew();
            foreach (var row in packer.Pack(docs)) checksum += row.Tokens[row.Length - 1] + row.DocumentIds[0];
            double seconds = clock.Elapsed.TotalSeconds;
            var truncate = PackingStats.TruncateAndPad(docs.Select(d => d.Length), p.GetValue(seqLen));
            Emit(new
            {
                bench = "data.pack", tokens = total, documents = docs.Count, seq_len = p.GetValue(seqLen), rows = packer.Rows,
                seconds = Math.Round(seconds, 4), mb_per_s = Math.Round(total * 4 / 1e6 / seconds, 1), tokens_per_s = Math.Round(total / seconds),
                packed_waste = packer.Stats.WasteRatio, truncate_pad_waste = truncate.WasteRatio, truncate_pad_dropped = truncate.DroppedFraction,
                checksum, target = "mb_per_s >= 50",
            });
            return 0;
        });
        return cmd;
    }

    static Command Stream()
    {
        var mb = new Option<int>("--mb") { Description = "Size of the generated JSONL file in MB.", DefaultValueFactory = _ => 200 };
        var cmd = new Command("stream", "Read and clean a generated JSONL file, sampling memory; it should stay flat.") { mb };
        cmd.SetAction(p =>
        {
            var path = Path.Combine(Path.GetTempPath(), $"curriculum-bench-stream-{Environment.ProcessId}.jsonl");
            try
            {
                var rng = new SplitMix64(5);
                var vocab = Vocabulary(30_000, rng);
                long bytes = (long)p.GetValue(mb) * 1_000_000;
                using (var w = new JsonlWriter(path))
                {
                    for (long i = 0; w.Count * 520L < bytes; i++)
                        w.Write(new Document($"doc{i}", "<p>" + RandomDocument(vocab, rng, 500) + "</p>"));
                    w.Commit();
                }
                long fileBytes = new FileInfo(path).Length;
                GC.Collect();
                var samples = new List<object>();
                var cleaner = Cleaner.Default();
                var clock = Stopwatch.StartNew();
                long docs = 0, next = 0, kept = 0;
                using var proc = Process.GetCurrentProcess();
                foreach (var d in cleaner.Clean(JsonlReader.Read(path)))
                {
                    kept++;
                    if (++docs >= next)
                    {
                        proc.Refresh();
                        samples.Add(new { docs, managed_mb = Math.Round(GC.GetTotalMemory(false) / 1e6, 1), working_set_mb = Math.Round(proc.WorkingSet64 / 1e6, 1) });
                        next = docs + 40_000;
                    }
                }
                double seconds = clock.Elapsed.TotalSeconds;
                proc.Refresh();
                Emit(new
                {
                    bench = "data.stream", file_mb = fileBytes / 1e6, documents = cleaner.Report.DocumentsIn, kept,
                    seconds = Math.Round(seconds, 2), mb_per_s = Math.Round(fileBytes / 1e6 / seconds, 1),
                    peak_working_set_mb = Math.Round(proc.PeakWorkingSet64 / 1e6, 1), samples, target = "memory flat while the file streams",
                });
                return 0;
            }
            finally { if (File.Exists(path)) File.Delete(path); }
        });
        return cmd;
    }

    static void Emit(object o) => Console.WriteLine(JsonSerializer.Serialize(o));

    /// <summary>Random lower-case words of 2..9 letters; drawn with a Zipf-like rank law below.</summary>
    static string[] Vocabulary(int size, SplitMix64 rng)
    {
        var words = new string[size];
        var sb = new StringBuilder();
        for (int i = 0; i < size; i++)
        {
            sb.Clear();
            int len = 2 + rng.NextInt(8);
            for (int k = 0; k < len; k++) sb.Append((char)('a' + rng.NextInt(26)));
            words[i] = sb.ToString();
        }
        return words;
    }

    // Rank r drawn with probability ∝ 1/(r+10): frequent words repeat as in text, without dominating.
    static string Word(string[] vocab, SplitMix64 rng) => vocab[(int)(Math.Exp(rng.NextDouble() * Math.Log(vocab.Length + 10.0)) - 1) % vocab.Length];

    static string RandomDocument(string[] vocab, SplitMix64 rng, int chars)
    {
        var sb = new StringBuilder(chars + 20);
        while (sb.Length < chars) { sb.Append(Word(vocab, rng)); sb.Append(rng.NextInt(12) == 0 ? ". " : " "); }
        return sb.ToString().TrimEnd();
    }

    /// <summary>A near-copy: one word replaced, sometimes one more word inserted, case and spacing changed.</summary>
    static string Edit(string text, string[] vocab, SplitMix64 rng)
    {
        var words = text.Split(' ').ToList();
        words[rng.NextInt(words.Count)] = Word(vocab, rng);
        if (rng.NextInt(2) == 0) words.Insert(rng.NextInt(words.Count), Word(vocab, rng));
        var s = string.Join(rng.NextInt(2) == 0 ? " " : "  ", words);
        return rng.NextInt(2) == 0 ? s.ToUpperInvariant() : s;
    }
}
