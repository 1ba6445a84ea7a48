using System.Diagnostics;
using System.Text;

namespace Dialer.Reliability.Infrastructure;

/// <summary>One running <c>Dialer.Reliability.Host</c> process (launched with <c>dotnet Dialer.Reliability.Host.dll</c>).</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "Dialer.Reliability.Host.dll");

    public int Id => _process.Id;

    public string Output { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string Errors { get { lock (_stderr) { return _stderr.ToString(); } } }

    /// <summary>Completes when the host printed <c>ready</c> (its store is open).</summary>
    public Task Ready => _ready.Task;

    public static HostProcess Start(params string[] args) => Start(null, args);

    /// <summary>Starts the host with extra environment variables (e.g. libfaketime's <c>LD_PRELOAD</c> and <c>FAKETIME</c>).</summary>
    public static HostProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(HostDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                host._ready.TrySetResult();
                return;
            }

            lock (host._stdout)
            {
                host._stdout.AppendLine(e.Data);
            }

            if (e.Data == "ready")
            {
                host._ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (host._stderr)
                {
                    host._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for a normal exit and returns the exit code; kills the process and fails after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"host {_process.Id} did not finish within {timeout}; stderr: {Errors}");
        }

        await _process.WaitForExitAsync(); // drain the output
        return _process.ExitCode;
    }

    /// <summary>Writes one line to the host's standard input (the start barrier).</summary>
    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>SIGKILL (<c>kill -9</c>): no cleanup, no flush, no finally blocks.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            Signal("KILL");
        }

        _process.WaitForExit();
    }

    /// <summary>Sends a signal by name (<c>STOP</c>, <c>CONT</c>, <c>KILL</c>) to this process only, by its id.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{name} {_process.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }

        _process.Dispose();
    }
}
