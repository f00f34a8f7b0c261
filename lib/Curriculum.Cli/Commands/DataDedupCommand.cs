using System.CommandLine;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data dedup --input IN.jsonl --out OUT.jsonl [--threshold 0.8] [--json]</c>:
/// exact duplicates (normalised text hash) and near-duplicates (MinHash + LSH) removed, keeping the
/// first document of each cluster; prints the clusters it removed. Two passes over the input: the
/// first keeps only signatures in memory, the second writes the kept documents.</summary>
static class DataDedupCommand
{
    public static Command Create()
    {
        var input = DataCommand.InputOption();
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var encoding = DataCommand.EncodingOption();
        var output = new Option<string>("--out", "-o") { Description = "Deduplicated documents (JSONL).", Required = true };
        var threshold = new Option<double>("--threshold") { Description = "Jaccard similarity of word shingles above which documents are near-duplicates.", DefaultValueFactory = _ => 0.8 };
        var shingle = new Option<int>("--shingle") { Description = "Words per shingle.", DefaultValueFactory = _ => 3 };
        var perms = new Option<int>("--permutations") { Description = "MinHash permutations (signature length).", DefaultValueFactory = _ => 128 };
        var show = new Option<int>("--show") { Description = "Clusters printed.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object (all clusters)." };
        var cmd = new Command("dedup", "Remove exact and near-duplicate documents (MinHash/LSH), keeping one per cluster.")
        {
            input, split, separator, encoding, output, threshold, shingle, perms, show, json,
        };
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            var options = new NearDuplicateOptions(p.GetValue(threshold), p.GetValue(shingle), p.GetValue(perms));
            var paths = p.GetValue(input)!;
            string outPath = OutputLocation.File(p.GetValue(output)!, "--out", paths);
            var textEncoding = InputEncoding.Get(p.GetValue(encoding)!);
            var report = new ReadReport();
            var finder = new NearDuplicateFinder(options);
            var ids = new List<string>();
            foreach (var d in DataCommand.NonEmpty(CorpusReader.Read(paths, p.GetValue(split), p.GetValue(separator)!, report, textEncoding), paths, report)) { finder.Add(d.Text); ids.Add(d.Id); }
            var result = finder.Find();
            int index = 0;
            var kept = CorpusReader.Read(paths, p.GetValue(split), p.GetValue(separator)!, encoding: textEncoding).Where(_ => result.Keep[index++]);
            long written = JsonlWriter.WriteAll(outPath, kept);
            DataCommand.PrintSkipped(report);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    documents = result.Documents, kept = written, removed = result.RemovedCount,
                    threshold = options.Threshold, shingle_words = options.ShingleSize, permutations = options.NumPermutations,
                    bands = result.Lsh.Bands, rows = result.Lsh.Rows, s_curve_threshold = result.Lsh.ApproximateThreshold,
                    candidate_pairs = result.CandidatePairs, verified_pairs = result.VerifiedPairs,
                    clusters = result.Clusters.Select(c => new { kept = ids[c.Kept], removed = c.Removed.Select(r => ids[r]), estimated_jaccard = c.EstimatedJaccard }),
                }, DataCommand.Json));
                return 0;
            }
            Console.WriteLine($"{result.Documents} documents, {result.RemovedCount} removed as near-duplicates in {result.Clusters.Count} clusters, {written} written");
            Console.WriteLine($"threshold {options.Threshold}, {options.ShingleSize}-word shingles, {options.NumPermutations} permutations = {result.Lsh.Bands} bands x {result.Lsh.Rows} rows (S-curve midpoint (1/b)^(1/r) = {result.Lsh.ApproximateThreshold:F3}); {result.CandidatePairs} candidate pairs, {result.VerifiedPairs} merged");
            foreach (var c in result.Clusters.OrderByDescending(c => c.Removed.Length).Take(p.GetValue(show)))
                Console.WriteLine($"  kept {ids[c.Kept]}; removed " + string.Join(", ", c.Removed.Select((r, k) => $"{ids[r]} (J~{c.EstimatedJaccard[k]:F2})")));
            return 0;
        }));
        return cmd;
    }
}
