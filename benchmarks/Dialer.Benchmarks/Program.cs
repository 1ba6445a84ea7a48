using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Dialer.Benchmarks;

/// <summary>
/// Runs the suite's benchmarks. <c>--quick</c> runs every benchmark once as a smoke check (numbers mean nothing);
/// <c>--memory-per-number [N]</c> prints the steady-state bytes per tracked number; anything else is passed to
/// BenchmarkDotNet's switcher (e.g. <c>--filter *PhoneNumber*</c>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length >= 1 && args[0] == "--memory-per-number")
        {
            var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
            return Admission.MemoryPerNumber.Run(count);
        }

        var quick = args.Contains("--quick");
        var rest = args.Where(a => a != "--quick").ToArray();
        IConfig config = DefaultConfig.Instance;
        if (quick)
        {
            config = DefaultConfig.Instance
                .AddJob(Job.Dry.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance).WithId("Quick"))
                .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary);
            if (rest.Length == 0)
            {
                rest = ["--filter", "*"];
            }
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
        var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}
