namespace Curriculum.Tests.Assignments;

/// <summary>
/// Each chapter's exercises graded in the real kernel: the key against itself gets full marks, the released version 0 on
/// every test without a crash, and a plausible wrong answer to each exercise fails the tests written to catch it.
/// </summary>
[Collection(GradingCollection.Name)]
public class ChapterGradingTests
{
    /// <summary>Per exercise: a wrong solution (the body of the solution region) and the tests that must fail on it.</summary>
    public static readonly Dictionary<string, (string Exercise, string Body, string[] Fails)[]> WrongAnswers = new()
    {
        ["01"] =
        [
            ("bpe-merge", """
                var merged = new List<int>();   // forgets to skip the pair's second id
                for (int i = 0; i < ids.Count; i++)
                    merged.Add(i + 1 < ids.Count && ids[i] == pair.First && ids[i + 1] == pair.Second ? newId : ids[i]);
                return merged;
                """, ["bpe-merge-tests", "bpe-merge-hidden-tests"]),
            ("wordpiece-greedy", """
                var pieces = new List<string>();   // shortest match first
                int start = 0;
                while (start < word.Length)
                {
                    int end = start + 1;
                    while (end <= word.Length && !vocab.Contains((start > 0 ? "##" : "") + word[start..end])) end++;
                    if (end > word.Length) return new List<string> { "[UNK]" };
                    pieces.Add((start > 0 ? "##" : "") + word[start..end]);
                    start = end;
                }
                return pieces;
                """, ["wordpiece-greedy-tests", "wordpiece-greedy-hidden-tests"]),
        ],
        ["02"] =
        [
            ("gpt3-epochs", "return sizeTokens.Select((size, i) => weights[i] * budgetTokens / size).ToArray();   // weights not normalised",
                ["gpt3-epochs-tests", "gpt3-epochs-hidden-tests"]),
            ("temperature-sampling", "return sizes.Select(s => Math.Pow(s / (double)sizes.Sum(), 1.0 / temperature)).ToArray();   // not renormalised",
                ["temperature-sampling-tests", "temperature-sampling-hidden-tests"]),
        ],
        ["03"] =
        [
            ("bert-80-10-10", """
                var result = (int[])ids.Clone();   // replaces every position, chosen or not
                for (int i = 0; i < ids.Length; i++)
                {
                    if (u[i] < 0.8) result[i] = maskId;
                    else if (u[i] < 0.9) result[i] = randomIds[i];
                }
                return result;
                """, ["bert-80-10-10-hidden-tests"]),
            ("mlm-loss", """
                double sum = 0;   // averages over every position, not only the labelled ones
                for (int i = 0; i < labels.Length; i++)
                    if (labels[i] != -100) sum += Math.Log(logits[i].Sum(Math.Exp)) - logits[i][labels[i]];
                return sum / labels.Length;
                """, ["mlm-loss-tests", "mlm-loss-hidden-tests"]),
        ],
        ["04"] =
        [
            ("span-corruption", """
                var inputs = new List<int>();   // a sentinel per noise token instead of per span
                var targets = new List<int>();
                int k = 0;
                for (int i = 0; i < tokens.Length; i++)
                {
                    if (!noise[i]) { inputs.Add(tokens[i]); continue; }
                    inputs.Add(firstSentinel - k); targets.Add(firstSentinel - k); targets.Add(tokens[i]); k++;
                }
                targets.Add(firstSentinel - k);
                return (inputs.ToArray(), targets.ToArray());
                """, ["span-corruption-tests", "span-corruption-hidden-tests"]),
            ("span-counts", """
                int noise = (int)Math.Round(length * rate);   // not kept within [1, length - 1]
                return (noise, Math.Max(1, (int)Math.Round(noise / meanSpanLength)));
                """, ["span-counts-hidden-tests"]),
        ],
        ["05"] =
        [
            ("wsd-schedule", """
                if (step < warmup) return peak * step / warmup;
                if (step < warmup + stable) return peak;
                if (step >= warmup + stable + decay) return minLr;
                return peak * (1 - (double)(step - warmup - stable) / decay);   // decays towards 0, not minLr
                """, ["wsd-schedule-tests", "wsd-schedule-hidden-tests"]),
            ("cosine-schedule", """
                if (step < warmup) return peak * step / warmup;
                if (step >= total) return minLr;
                return minLr + (peak - minLr) * Math.Cos(Math.PI / 2 * (step - warmup) / (total - warmup));   // a quarter cosine
                """, ["cosine-schedule-tests", "cosine-schedule-hidden-tests"]),
        ],
        ["06"] =
        [
            ("loss-scaling", """
                foreach (float g in grads)
                    if (float.IsInfinity(g)) return (true, scale * 0.5, 0);   // misses NaN
                goodSteps++;
                return goodSteps == growthInterval ? (false, scale * 2, 0) : (false, scale, goodSteps);
                """, ["loss-scaling-hidden-tests"]),
            ("bf16-rounding", "return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(x) & 0xFFFF0000u);   // truncates",
                ["bf16-rounding-tests", "bf16-rounding-hidden-tests"]),
        ],
        ["07"] =
        [
            ("phase-weights", """
                int k = phaseStarts.Length - 1;   // a phase starting exactly now has not started
                while (k > 0 && phaseStarts[k] >= progress) k--;
                return phaseWeights[k];
                """, ["phase-weights-hidden-tests"]),
            ("hq-plan", """
                double share = 0;   // forgets the last phase, which runs to the end
                for (int k = 0; k + 1 < phaseStarts.Length; k++) share += hqWeights[k] * (phaseStarts[k + 1] - phaseStarts[k]);
                return (share, share * budgetTokens / hqPoolTokens);
                """, ["hq-plan-tests", "hq-plan-hidden-tests"]),
        ],
        ["08"] =
        [
            ("lora-forward", """
                int outDim = w.GetLength(0), inDim = w.GetLength(1), r = a.GetLength(0);
                var y = new float[outDim];
                for (int i = 0; i < outDim; i++)
                    for (int j = 0; j < inDim; j++)
                    {
                        float ba = 0;
                        for (int k = 0; k < r; k++) ba += b[i, k] * a[k, j];
                        y[i] += (w[i, j] + alpha * ba) * x[j];   // scales by alpha, not alpha / r
                    }
                return y;
                """, ["lora-forward-hidden-tests"]),
            ("verbalizer", """
                int best = Array.IndexOf(nextTokenLogits, nextTokenLogits.Max());   // the best token, label word or not
                return Array.IndexOf(labelTokenIds, best);
                """, ["verbalizer-tests", "verbalizer-hidden-tests"]),
        ],
    };

    public static TheoryData<string> Chapters => new() { "01", "02", "03", "04", "05", "06", "07", "08" };

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Key_gets_full_marks_student_version_zero_and_each_wrong_answer_fails_its_tests(string chapter)
    {
        using var files = new AssignmentFiles();
        string keyPath = files.ExercisesOf(chapter);
        var released = AssignmentFiles.Released(keyPath);
        string studentPath = files.Save(released, "submissions/unanswered.ipynb");
        string keyCopy = files.Save(Curriculum.Notebooks.NotebookDocument.Load(keyPath), "submissions/reference.ipynb");
        var wrong = AssignmentFiles.Released(keyPath);
        foreach (var (exercise, body, _) in WrongAnswers[chapter])
            AssignmentFiles.Cell(wrong, exercise).Source = AssignmentFiles.Answer(keyPath, exercise, body);
        string wrongPath = files.Save(wrong, "submissions/wrong.ipynb");

        var r = files.Grade(keyPath, [keyCopy, studentPath, wrongPath], "--cell-timeout", "60");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);

        var reference = files.Result("reference");
        Assert.True(reference["score"]!.GetValue<double>() == reference["max"]!.GetValue<double>(), reference.ToJsonString());
        Assert.True(reference["max"]!.GetValue<double>() >= 6);
        Assert.Empty(reference["flags"]!.AsArray());

        var unanswered = files.Tests("unanswered");
        Assert.All(unanswered.Values, t => Assert.Equal(0, t.Points));
        Assert.All(unanswered.Values, t => Assert.Matches(@"^NotImplementedException: exercise [12]$", t.Message));
        Assert.Empty(files.Result("unanswered")["flags"]!.AsArray());

        var graded = files.Tests("wrong");
        foreach (var (exercise, _, fails) in WrongAnswers[chapter])
        {
            foreach (var test in fails) Assert.False(graded[test].Passed, $"{test} passed a wrong answer to {exercise}");
            // The visible test a wrong answer passes is one the hidden tests were written to go beyond.
            foreach (var (id, t) in graded.Where(g => g.Key.StartsWith(exercise + "-", StringComparison.Ordinal) && !fails.Contains(g.Key)))
                Assert.True(t.Passed, $"{id}: {t.Message}");
        }
        Assert.True(File.Exists(Path.Combine(files.Out, "wrong.html")));
        var csv = File.ReadAllLines(Path.Combine(files.Out, "grades.csv"));
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("student,submission,score,max,flags,", csv[0]);
    }
}
