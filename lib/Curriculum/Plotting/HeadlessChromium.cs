using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Curriculum.Plotting;

/// <summary>
/// A headless Chromium driven over the DevTools protocol (a WebSocket of JSON messages): start it
/// once, open pages, evaluate JavaScript, collect console errors, take screenshots. Used to render
/// figure snapshots with the real plotly.js and to check the book in a real browser.
/// Only a locally installed browser is used (Debian's <c>chromium</c>); nothing is downloaded.
/// </summary>
public sealed partial class HeadlessChromium : IDisposable
{
    /// <summary>Where Debian installs chromium; <c>CURRICULUM_CHROMIUM</c> names another binary.</summary>
    public const string DebianPath = "/usr/bin/chromium";

    // Flags for a quiet, offline, throw-away browser.
    static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
        "--allow-file-access-from-files", "--remote-debugging-port=0",
    ];

    static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    readonly Process process;
    readonly string profileDir;
    readonly ClientWebSocket socket = new();
    readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> pending = new();
    readonly SemaphoreSlim sendLock = new(1, 1);
    readonly Task receiveLoop;
    readonly CancellationTokenSource stop = new();
    int nextId;

    /// <summary>Called for every protocol event: (method, params, sessionId).</summary>
    internal event Action<string, JsonElement, string?>? EventReceived;

    /// <summary>The chromium binary to use, or null when none is installed.</summary>
    public static string? FindExecutable()
    {
        string? env = Environment.GetEnvironmentVariable("CURRICULUM_CHROMIUM");
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? env : null;
        return File.Exists(DebianPath) ? DebianPath : null;
    }

    HeadlessChromium(Process process, string profileDir, Uri endpoint)
    {
        this.process = process;
        this.profileDir = profileDir;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(CallTimeout).GetAwaiter().GetResult();
        receiveLoop = Task.Run(ReceiveLoop);
    }

    /// <summary>Starts a headless browser (a few hundred ms to a second). Throws when it cannot start.</summary>
    public static HeadlessChromium Start(string? executable = null)
    {
        executable ??= FindExecutable() ?? throw new FileNotFoundException(
            $"Chromium not found at {DebianPath}: install Debian's chromium (apt-get install chromium) or set CURRICULUM_CHROMIUM.");
        string profile = Directory.CreateTempSubdirectory("curriculum-chromium-").FullName;
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var f in Flags) psi.ArgumentList.Add(f);
        psi.ArgumentList.Add("--user-data-dir=" + profile);
        psi.ArgumentList.Add("about:blank");
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"{executable}: could not start.");
        process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr.
        var stderr = new StringBuilder();
        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) { endpoint.TrySetException(new InvalidOperationException($"{executable} exited before it listened: {stderr}")); return; }
            lock (stderr) if (stderr.Length < 4000) stderr.AppendLine(e.Data);
            var m = ListeningLine().Match(e.Data);
            if (m.Success) endpoint.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.BeginErrorReadLine();
        try
        {
            if (!endpoint.Task.Wait(TimeSpan.FromSeconds(30)))
                throw new TimeoutException($"{executable} did not open its DevTools port within 30 s: {stderr}");
            return new HeadlessChromium(process, profile, endpoint.Task.Result);
        }
        catch
        {
            Kill(process);
            TryDelete(profile);
            throw;
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex ListeningLine();

    /// <summary>Opens a new tab (about:blank) with console and error reporting on.</summary>
    public ChromiumPage NewPage(int width = 1000, int height = 800)
    {
        var target = Call("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        string targetId = target.GetProperty("targetId").GetString()!;
        var attached = Call("Target.attachToTarget", new JsonObject { ["targetId"] = targetId, ["flatten"] = true });
        var page = new ChromiumPage(this, targetId, attached.GetProperty("sessionId").GetString()!);
        page.Call("Page.enable");
        page.Call("Runtime.enable");
        page.Call("Log.enable");
        page.Call("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false,
        });
        return page;
    }

    /// <summary>Sends one protocol command and waits for its result (throws on a protocol error).</summary>
    internal JsonElement Call(string method, JsonObject? parameters = null, string? sessionId = null)
    {
        int id = Interlocked.Increment(ref nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (sessionId != null) message["sessionId"] = sessionId;
        byte[] bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        sendLock.Wait();
        try { socket.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, stop.Token).WaitAsync(CallTimeout).GetAwaiter().GetResult(); }
        finally { sendLock.Release(); }
        if (!reply.Task.Wait(CallTimeout))
        {
            pending.TryRemove(id, out _);
            throw new TimeoutException($"Chromium did not answer {method} within {CallTimeout.TotalSeconds} s.");
        }
        return reply.Task.Result;
    }

    async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var r = await socket.ReceiveAsync(buffer, stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                using (var doc = JsonDocument.Parse(message.ToArray()))
                    Dispatch(doc.RootElement);
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        foreach (var (_, tcs) in pending) tcs.TrySetException(new InvalidOperationException("Chromium closed the DevTools connection."));
    }

    void Dispatch(JsonElement m)
    {
        if (m.TryGetProperty("id", out var idElement))
        {
            if (!pending.TryRemove(idElement.GetInt32(), out var tcs)) return;
            if (m.TryGetProperty("error", out var error))
                tcs.TrySetException(new InvalidOperationException("DevTools error: " + error.GetRawText()));
            else
                tcs.TrySetResult(m.GetProperty("result").Clone());
            return;
        }
        if (m.TryGetProperty("method", out var method))
        {
            string? session = m.TryGetProperty("sessionId", out var s) ? s.GetString() : null;
            var p = m.TryGetProperty("params", out var pe) ? pe.Clone() : default;
            EventReceived?.Invoke(method.GetString()!, p, session);
        }
    }

    public void Dispose()
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                try { Call("Browser.close"); } catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
            }
        }
        finally
        {
            stop.Cancel();
            try { receiveLoop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
            socket.Dispose();
            if (!process.WaitForExit(3000)) Kill(process);
            process.Dispose();
            TryDelete(profileDir);
        }
    }

    static void Kill(Process p)
    {
        try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    static void TryDelete(string dir)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try { if (Directory.Exists(dir)) Directory.Delete(dir, true); return; }
            catch (IOException) { Thread.Sleep(100); }
            catch (UnauthorizedAccessException) { return; }
        }
    }
}
