using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Data.Reports;

/// <summary>
/// A headless Chromium driven over the DevTools protocol (a WebSocket on a loopback port): open a page, wait until a
/// script condition holds, print it to PDF. Only what the reports need.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private int _id;

    private HeadlessChromium(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Starts Chromium and connects to its first page.</summary>
    public static async Task<HeadlessChromium> StartAsync(string executable, CancellationToken ct)
    {
        var profile = Directory.CreateTempSubdirectory("klimapakt-chromium-");
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        // WebGL through SwiftShader (no GPU); a fresh profile; nothing fetched from outside.
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
            $"--user-data-dir={profile.FullName}", "about:blank" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new GeoInputException($"Could not start {executable}.");
        var browser = new HeadlessChromium(process, profile);
        try
        {
            _ = process.StandardOutput.ReadToEndAsync(ct);
            // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on standard error.
            string? endpoint = null;
            var seen = new StringBuilder();
            while (endpoint is null && await process.StandardError.ReadLineAsync(ct) is { } line)
            {
                seen.AppendLine(line);
                const string marker = "DevTools listening on ";
                if (line.StartsWith(marker, StringComparison.Ordinal)) endpoint = line[marker.Length..].Trim();
            }
            if (endpoint is null) throw new GeoInputException($"Chromium exited before it listened: {seen.ToString().Trim()}");
            _ = DrainAsync(process.StandardError);
            var http = new Uri(endpoint.Replace("ws://", "http://", StringComparison.Ordinal));
            using var client = new HttpClient();
            var targets = JsonNode.Parse(await client.GetStringAsync(new Uri(http, "/json/list"), ct))!.AsArray();
            var page = targets.FirstOrDefault(t => (string?)t!["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>()
                ?? throw new GeoInputException("Chromium has no page to print.");
            await browser._socket.ConnectAsync(new Uri(page), ct);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try { while (await reader.ReadLineAsync() is not null) { } }
        catch (ObjectDisposedException) { }
        catch (IOException) { }
    }

    /// <summary>Opens <paramref name="url"/>, waits until <paramref name="condition"/> is true, prints it (A4, backgrounds).</summary>
    /// <exception cref="GeoInputException">The page reports errors (<paramref name="errors"/> is non-empty).</exception>
    public async Task<byte[]> PrintWhenAsync(string url, string condition, string errors, CancellationToken ct)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, ct);
        while (true)
        {
            var ready = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = condition, ["returnByValue"] = true }, ct);
            if (ready["result"]?["value"]?.GetValue<bool>() == true) break;
            await Task.Delay(200, ct);
        }
        var problems = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = errors, ["returnByValue"] = true }, ct);
        if (problems["result"]?["value"]?.GetValue<string>() is { Length: > 0 } text) throw new GeoInputException($"The report's maps failed: {text}");
        var pdf = await SendAsync("Page.printToPDF", new JsonObject
        {
            ["printBackground"] = true,
            ["paperWidth"] = 8.27,
            ["paperHeight"] = 11.69,
            ["displayHeaderFooter"] = false,
        }, ct);
        return Convert.FromBase64String(pdf["data"]!.GetValue<string>());
    }

    /// <summary>Sends a command and returns its result (events in between are skipped).</summary>
    private async Task<JsonNode> SendAsync(string method, JsonObject parameters, CancellationToken ct)
    {
        var id = ++_id;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString();
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, ct);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var received = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) throw new GeoInputException("Chromium closed the DevTools connection.");
                received.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            var reply = JsonNode.Parse(received.ToArray())!;
            if ((int?)reply["id"] != id) continue;
            if (reply["error"] is { } error) throw new GeoInputException($"Chromium: {method} failed: {error["message"]}");
            return reply["result"]!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException) { }
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { _profile.Delete(recursive: true); }
        catch (IOException) { }
    }
}
