using System.CommandLine;
using Curriculum.Models;
using Curriculum.Tensors;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum generate --model DIR --prompt TEXT [--max-new-tokens N] [--top-k K --temperature T --seed S]</c>: continue a prompt with a GPT.</summary>
static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A GPT model folder from `curriculum pretrain`.", Required = true };
        var prompt = new Option<string>("--prompt", "-p") { Description = "The text to continue.", Required = true };
        var maxNew = new Option<int>("--max-new-tokens", "-n") { Description = "Tokens to add.", DefaultValueFactory = _ => 50 };
        var topK = new Option<int>("--top-k") { Description = "0: greedy (always the most likely token). K > 0: sample from the K most likely.", DefaultValueFactory = _ => 0 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (with --top-k): below 1 sharper, above 1 flatter.", DefaultValueFactory = _ => 1f };
        var seed = new Option<ulong>("--seed") { Description = "Seed for sampling.", DefaultValueFactory = _ => 1UL };
        var cmd = new Command("generate", "Continue a prompt with a pre-trained GPT, greedy or top-k sampling; stops at the end-of-text token.\n"
            + "Example: curriculum generate --model runs/tiny --prompt \"The cat\" --top-k 20");
        foreach (var o in new Option[] { model, prompt, maxNew, topK, temperature, seed }) cmd.Options.Add(o);
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var saved = ModelDirectory.Load(p.GetValue(model)!);
            if (saved.Kind != ModelKind.Gpt) throw new UsageException($"--model {p.GetValue(model)}: is a {saved.Kind} model; generate needs a GPT language model.");
            if (p.GetValue(maxNew) < 1) throw new UsageException("--max-new-tokens must be at least 1.");
            if (p.GetValue(topK) < 0) throw new UsageException("--top-k must be 0 (greedy) or positive.");
            if (!(p.GetValue(temperature) > 0)) throw new UsageException("--temperature must be positive.");
            var gpt = ModelDirectory.LoadGpt(saved);
            var ids = saved.Tokenizer.EncodeToIds(p.GetValue(prompt)!).ToArray();
            if (ids.Length == 0) ids = [TextEncoders.EosId(saved.Tokenizer)];       // an empty prompt starts a new document
            int eos = TextEncoders.EosId(saved.Tokenizer);
            var config = p.GetValue(topK) == 0
                ? GenerationConfig.Greedy(p.GetValue(maxNew), eos)
                : GenerationConfig.Sampling(p.GetValue(maxNew), p.GetValue(temperature), p.GetValue(topK), eos);
            var output = gpt.Generate(ids, config, new Generator(p.GetValue(seed)));
            var continuation = output.Skip(ids.Length).Where(t => t != eos);
            Console.WriteLine(p.GetValue(prompt) + saved.Tokenizer.Decode(continuation));
            return 0;
        }));
        return cmd;
    }
}
