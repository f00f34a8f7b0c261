using System.Buffers;
using System.Text.Json;

namespace Curriculum.Training;

/// <summary>
/// The run's metrics as JSON Lines, one object per row, the format <c>Curriculum.Plotting.RunMetrics</c> reads:
/// <c>{"step":100,"tokens":102400,"loss":3.21,"loss/mlm":2.9,"lr":0.0006,"grad_norm":0.8,"tokens_per_s":25000}</c>
/// (plus <c>"loss_scale"</c> under loss scaling, <c>"update":"skipped"</c> when no update was made);
/// evaluations <c>{"step":100,"tokens":102400,"eval/general":3.4}</c>; guard events
/// <c>{"step":57,"event":"Spike","spike_loss":9.1,"threshold":4.2,"detail":"..."}</c>. NaN is written as null,
/// infinities as "Infinity"/"-Infinity". Each row is flushed as it is written.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    readonly FileStream _file;
    readonly ArrayBufferWriter<byte> _buffer = new(512);
    readonly Utf8JsonWriter _json;

    public string Path { get; }

    MetricsLog(string path, FileStream file)
    {
        Path = path;
        _file = file;
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>A new, empty log at <paramref name="path"/> (an existing file is replaced).</summary>
    public static MetricsLog Create(string path)
    {
        CreateFolder(path);
        return new MetricsLog(path, new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));
    }

    /// <summary>
    /// Continues the log of a run resumed after <paramref name="step"/> updates: rows of later steps (written after
    /// the checkpoint, before the stop) are dropped, so every step appears once. The rewrite is atomic.
    /// </summary>
    public static MetricsLog Resume(string path, long step)
    {
        if (!File.Exists(path)) return Create(path);
        var kept = new List<string>();
        var lines = File.ReadAllText(path).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            long rowStep;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (!doc.RootElement.TryGetProperty("step", out var s) || !s.TryGetInt64(out rowStep))
                    throw new InvalidDataException($"{path}:{i + 1}: a metrics row without an integer \"step\".");
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                break;   // the last row was cut off when the run stopped
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{i + 1}: expected one JSON object per line ({e.Message}).", e);
            }
            if (rowStep <= step) kept.Add(line);
        }
        string tmp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(tmp, kept.Count == 0 ? "" : string.Join('\n', kept) + "\n");
        File.Move(tmp, path, overwrite: true);
        return new MetricsLog(path, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    static void CreateFolder(string path)
    {
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
    }

    public void Write(StepMetrics m, bool perTask)
    {
        Begin(m.Step, m.Tokens);
        Number("loss", m.Loss);
        if (perTask)
            foreach (var (task, loss) in m.TaskLosses) Number("loss/" + task, loss);
        Number("lr", m.Lr);
        Number("grad_norm", m.GradNorm);
        Number("tokens_per_s", m.TokensPerSecond);
        if (m.LossScale is double scale) Number("loss_scale", scale);
        if (!m.Updated) _json.WriteString("update", "skipped");
        End();
    }

    public void Write(EvalMetrics e)
    {
        Begin(e.Step, e.Tokens);
        foreach (var (name, v) in e.Values) Number("eval/" + name, v);
        End();
    }

    /// <summary>A guard event; <paramref name="tokens"/> is the token count when it happened.</summary>
    public void Write(TrainingIncident incident, long tokens)
    {
        Begin(incident.Step, tokens);
        _json.WriteString("event", incident.Kind.ToString());
        if (!double.IsNaN(incident.Loss)) Number("spike_loss", incident.Loss);
        if (!double.IsNaN(incident.Threshold)) Number("threshold", incident.Threshold);
        _json.WriteString("detail", incident.Detail);
        End();
    }

    void Begin(long step, long tokens)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteNumber("step", step);
        _json.WriteNumber("tokens", tokens);
    }

    void Number(string name, double v)
    {
        if (double.IsNaN(v)) _json.WriteNull(name);
        else if (double.IsPositiveInfinity(v)) _json.WriteString(name, "Infinity");
        else if (double.IsNegativeInfinity(v)) _json.WriteString(name, "-Infinity");
        else _json.WriteNumber(name, v);
    }

    void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        _file.Write(_buffer.WrittenSpan);
        _file.WriteByte((byte)'\n');
        _file.Flush();
    }

    public void Dispose()
    {
        _json.Dispose();
        _file.Dispose();
    }
}
