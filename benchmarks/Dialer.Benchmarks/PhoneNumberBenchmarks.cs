using BenchmarkDotNet.Attributes;
using Dialer.Core;

namespace Dialer.Benchmarks;

/// <summary>Parsing and formatting of <see cref="PhoneNumber"/>; the goal is 0 B allocated by Parse.</summary>
[MemoryDiagnoser]
public class PhoneNumberBenchmarks
{
    private const string Input = "+14155550123";
    private readonly char[] _buffer = new char[16];
    private readonly PhoneNumber _number = PhoneNumber.Parse(Input);

    [Benchmark(Baseline = true)]
    public ulong UlongParse() => ulong.Parse(Input.AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture);

    [Benchmark]
    public PhoneNumber Parse() => PhoneNumber.Parse(Input.AsSpan());

    [Benchmark]
    public bool TryParse() => PhoneNumber.TryParse(Input.AsSpan(), out _);

    [Benchmark]
    public int TryFormat() => _number.TryFormat(_buffer, out var written, default, null) ? written : -1;
}
