using System.CommandLine;
using Curriculum.Models;
using Curriculum.Tensors;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum generate --model DIR --prompt TEXT [--max-new-tokens N] [--top-k K] [--top-p P] [--temperature T] [--repetition-penalty R]
/// [--no-repeat-ngram N] [--seed S] [--device D]</c>: continue a prompt with a GPT.</summary>
static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A GPT model folder from `curriculum pretrain`.", Required = true };
        var prompt = new Option<string>("--prompt", "-p") { Description = "The text to continue.", Required = true };
        var maxNew = new Option<int>("--max-new-tokens", "-n") { Description = "Tokens to add.", DefaultValueFactory = _ => 50 };
        var topK = new Option<int>("--top-k") { Description = "0 (and --top-p 1): greedy (always the most likely token). K > 0: sample from the K most likely.", DefaultValueFactory = _ => 0 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (with --top-k): below 1 sharper, above 1 flatter.", DefaultValueFactory = _ => 1f };
        var topP = new Option<float>("--top-p") { Description = "Sample from the fewest most likely tokens whose probabilities add up to P (nucleus sampling); 1: all.", DefaultValueFactory = _ => 1f };
        var penalty = new Option<float>("--repetition-penalty") { Description = "Divide the positive logits (multiply the negative) of tokens already in the text by R (HF/CTRL; 1.2 is common); 1: none.", DefaultValueFactory = _ => 1f };
        var noRepeat = new Option<int>("--no-repeat-ngram") { Description = "Never produce an n-gram of N tokens twice; 0: no rule.", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for sampling.", DefaultValueFactory = _ => 1UL };
        var device = DeviceChoice.Option();
        var cmd = new Command("generate", "Continue a prompt with a pre-trained GPT, greedy or sampled (top-k, top-p), with optional repetition rules; stops at the end-of-text token.\n"
            + "Example: curriculum generate --model runs/tiny --prompt \"The cat\" --top-k 20");
        foreach (var o in new Option[] { model, prompt, maxNew, topK, topP, temperature, penalty, noRepeat, seed, device }) cmd.Options.Add(o);
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            var onDevice = DeviceChoice.Get(p.GetValue(device)!);
            var saved = ModelDirectory.Load(p.GetValue(model)!);
            if (saved.Kind != ModelKind.Gpt) throw new UsageException($"--model {p.GetValue(model)}: is a {saved.Kind} model; generate needs a GPT language model.");
            if (p.GetValue(maxNew) < 1) throw new UsageException("--max-new-tokens must be at least 1.");
            if (p.GetValue(topK) < 0) throw new UsageException("--top-k must be 0 (greedy) or positive.");
            if (!(p.GetValue(temperature) > 0)) throw new UsageException("--temperature must be positive.");
            if (!(p.GetValue(topP) > 0 && p.GetValue(topP) <= 1)) throw new UsageException("--top-p must be in (0, 1].");
            if (!(p.GetValue(penalty) > 0)) throw new UsageException("--repetition-penalty must be positive (1: none).");
            if (p.GetValue(noRepeat) < 0) throw new UsageException("--no-repeat-ngram must be 0 (none) or positive.");
            var gpt = DeviceChoice.MoveTo(ModelDirectory.LoadGpt(saved), onDevice);
            var ids = saved.Tokenizer.EncodeToIds(p.GetValue(prompt)!).ToArray();
            if (ids.Length == 0) ids = [TextEncoders.EosId(saved.Tokenizer)];       // an empty prompt starts a new document
            int eos = TextEncoders.EosId(saved.Tokenizer);
            var config = (p.GetValue(topK) == 0 && p.GetValue(topP) == 1f
                ? GenerationConfig.Greedy(p.GetValue(maxNew), eos)
                : GenerationConfig.Sampling(p.GetValue(maxNew), p.GetValue(temperature), p.GetValue(topK), eos))
                with { TopP = p.GetValue(topP), RepetitionPenalty = p.GetValue(penalty), NoRepeatNgramSize = p.GetValue(noRepeat) };
            var output = gpt.Generate(ids, config, new Generator(p.GetValue(seed)));
            var continuation = output.Skip(ids.Length).Where(t => t != eos);
            Console.WriteLine(p.GetValue(prompt) + saved.Tokenizer.Decode(continuation));
            return 0;
        }));
        return cmd;
    }
}
