using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data plan --source NAME=TOKENS:WEIGHT... --budget TOKENS [--batch-tokens N] [--alpha A] [--json]</c>:
/// tokens drawn and epochs per source for a token budget. GPT-3: <c>--source cc=410e9:0.6 --source wiki=3e9:0.03 ... --budget 300e9</c>.</summary>
static class DataPlanCommand
{
    public static Command Create()
    {
        var sources = new Option<string[]>("--source", "-s") { Description = "NAME=TOKENS:WEIGHT (repeatable), e.g. wikipedia=3e9:0.03.", Required = true, AllowMultipleArgumentsPerToken = true };
        var budget = new Option<double>("--budget") { Description = "Training tokens.", Required = true };
        var batch = new Option<double>("--batch-tokens") { Description = "Tokens per optimiser step; the budget must hold at least one.", DefaultValueFactory = _ => 1 };
        var alpha = new Option<double?>("--alpha") { Description = "Temperature sampling: replace the weights by p ∝ tokens^alpha." };
        var json = new Option<bool>("--json") { Description = "Print the plan as one JSON object." };
        var cmd = new Command("plan", "Plan a mixture: tokens drawn and epochs per source for a token budget.") { sources, budget, batch, alpha, json };
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            var list = p.GetValue(sources)!.Select(Parse).ToList();
            if (p.GetValue(alpha) is double a) list = TemperatureSampling.Apply(list, a);
            var plan = MixturePlan.Create(list, checked((long)p.GetValue(budget)), checked((long)p.GetValue(batch)));
            foreach (var note in plan.Notes) Console.Error.WriteLine("note: " + note);
            if (p.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    budget = plan.Budget, notes = plan.Notes,
                    sources = plan.Entries.Select(e => new { name = e.Name, tokens = e.SourceTokens, given_weight = e.GivenWeight, weight = e.Weight, sampled_tokens = e.SampledTokens, epochs = e.Epochs }),
                }, DataCommand.Json));
            else Console.WriteLine(plan.ToString());
            return 0;
        }));
        return cmd;
    }

    static MixtureSource Parse(string text)
    {
        int eq = text.IndexOf('='), colon = text.LastIndexOf(':');
        if (eq <= 0 || colon < eq)
            throw new ArgumentException($"--source '{text}': expected NAME=TOKENS:WEIGHT, e.g. wikipedia=3e9:0.03");
        if (!double.TryParse(text[(eq + 1)..colon], NumberStyles.Float, CultureInfo.InvariantCulture, out var tokens) || tokens < 0)
            throw new ArgumentException($"--source '{text}': token count '{text[(eq + 1)..colon]}' is not a number >= 0");
        if (!double.TryParse(text[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
            throw new ArgumentException($"--source '{text}': weight '{text[(colon + 1)..]}' is not a number");
        return new MixtureSource(text[..eq], (long)tokens, weight);
    }
}
