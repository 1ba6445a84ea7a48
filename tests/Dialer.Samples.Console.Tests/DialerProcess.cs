using System.Diagnostics;

namespace Dialer.Samples.Console.Tests;

/// <summary>Runs the built <c>dialer</c> host as a process (<c>dotnet dialer.dll …</c>) on a temp data directory.</summary>
internal sealed class DialerProcess : IDisposable
{
    private static readonly Lazy<string> s_dll = new(FindDll);

    public DialerProcess()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "dialer-e2e-" + Guid.NewGuid().ToString("N"));
    }

    public string DataDir { get; }

    /// <summary>The built host (<c>dialer.dll</c>), for tests that drive the process themselves.</summary>
    public static string DllPath => s_dll.Value;

    public string ConfigPath => Path.Combine(DataDir, "dialer.json");

    public string DatabasePath => Path.Combine(DataDir, "dialer.db");

    public RunResult Run(params string[] args) => RunIn(DataDir, args);

    public static RunResult RunIn(string dataDir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(s_dll.Value);
        psi.ArgumentList.Add("--data");
        psi.ArgumentList.Add(dataDir);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dialer {string.Join(' ', args)} did not finish within 120 s.");
        }

        return new RunResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static string FindDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "dialer.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "dialer.runtimeconfig.json")))
        {
            return local;
        }

        // Fall back to the console project's own output (same configuration as this test assembly).
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dialer.Libraries.sln")))
        {
            dir = dir.Parent;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Name;
        var candidate = Path.Combine(dir!.FullName, "samples", "Dialer.Samples.Console", "bin", configuration, "net10.0", "dialer.dll");
        return File.Exists(candidate) ? candidate : throw new FileNotFoundException("dialer.dll not found; build samples/Dialer.Samples.Console first.", candidate);
    }
}

internal sealed record RunResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
