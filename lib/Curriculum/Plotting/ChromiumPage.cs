using System.Text.Json;
using System.Text.Json.Nodes;

namespace Curriculum.Plotting;

/// <summary>
/// One tab of a <see cref="HeadlessChromium"/>: navigate, evaluate JavaScript, read what the page
/// reported as errors (console.error, uncaught exceptions, failed loads), take a screenshot.
/// </summary>
public sealed class ChromiumPage : IDisposable
{
    readonly HeadlessChromium browser;
    readonly string targetId;
    readonly string sessionId;
    readonly List<string> errors = [];
    readonly SemaphoreSlim loaded = new(0);

    internal ChromiumPage(HeadlessChromium browser, string targetId, string sessionId)
    {
        this.browser = browser;
        this.targetId = targetId;
        this.sessionId = sessionId;
        browser.EventReceived += OnEvent;
    }

    /// <summary>Errors the page reported since it opened: console errors, exceptions, failed loads.</summary>
    public IReadOnlyList<string> Errors { get { lock (errors) return errors.ToList(); } }

    void OnEvent(string method, JsonElement p, string? session)
    {
        if (session != sessionId) return;
        switch (method)
        {
            case "Page.loadEventFired":
                loaded.Release();
                break;
            case "Runtime.consoleAPICalled" when p.GetProperty("type").GetString() is "error" or "assert":
                AddError("console." + p.GetProperty("type").GetString() + ": " + string.Join(" ",
                    p.GetProperty("args").EnumerateArray().Select(a =>
                        a.TryGetProperty("value", out var v) ? v.ToString() : a.TryGetProperty("description", out var d) ? d.GetString() : a.GetRawText())));
                break;
            case "Runtime.exceptionThrown":
                var details = p.GetProperty("exceptionDetails");
                string text = details.TryGetProperty("exception", out var ex) && ex.TryGetProperty("description", out var desc)
                    ? desc.GetString()! : details.GetProperty("text").GetString()!;
                AddError("uncaught: " + text);
                break;
            case "Log.entryAdded":
                var entry = p.GetProperty("entry");
                if (entry.GetProperty("level").GetString() == "error")
                    AddError("log: " + entry.GetProperty("text").GetString()
                        + (entry.TryGetProperty("url", out var url) ? " (" + url.GetString() + ")" : ""));
                break;
        }
    }

    void AddError(string e) { lock (errors) errors.Add(e); }

    internal JsonElement Call(string method, JsonObject? parameters = null) => browser.Call(method, parameters, sessionId);

    /// <summary>Loads <paramref name="url"/> and waits for its load event.</summary>
    public void Navigate(string url, TimeSpan? timeout = null)
    {
        while (loaded.CurrentCount > 0) loaded.Wait(0);
        var r = Call("Page.navigate", new JsonObject { ["url"] = url });
        if (r.TryGetProperty("errorText", out var err) && !string.IsNullOrEmpty(err.GetString()))
            throw new InvalidOperationException($"{url}: {err.GetString()}");
        if (!loaded.Wait(timeout ?? TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"{url} did not finish loading.");
    }

    /// <summary>
    /// Evaluates a JavaScript expression (awaiting it when it is a promise) and returns its value as
    /// JSON; a thrown exception becomes an <see cref="InvalidOperationException"/> with its message.
    /// </summary>
    public JsonElement Evaluate(string expression)
    {
        var r = Call("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true,
        });
        if (r.TryGetProperty("exceptionDetails", out var details))
        {
            string text = details.TryGetProperty("exception", out var ex) && ex.TryGetProperty("description", out var d)
                ? d.GetString()! : details.GetProperty("text").GetString()!;
            throw new InvalidOperationException("JavaScript error: " + text);
        }
        var result = r.GetProperty("result");
        return result.TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>A PNG of the whole page (not just the viewport).</summary>
    public byte[] Screenshot()
    {
        var metrics = Call("Page.getLayoutMetrics").GetProperty("cssContentSize");
        var r = Call("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new JsonObject
            {
                ["x"] = 0, ["y"] = 0, ["scale"] = 1,
                ["width"] = Math.Ceiling(metrics.GetProperty("width").GetDouble()),
                ["height"] = Math.Min(Math.Ceiling(metrics.GetProperty("height").GetDouble()), 16000),
            },
        });
        return Convert.FromBase64String(r.GetProperty("data").GetString()!);
    }

    public void Dispose()
    {
        browser.EventReceived -= OnEvent;
        try { browser.Call("Target.closeTarget", new JsonObject { ["targetId"] = targetId }); }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
    }
}
