using System.Globalization;
using System.Text;

namespace Dialer.Reliability.Host;

/// <summary>
/// Appends one line per event to the process's log, flushed to the operating system at once (a <c>kill -9</c> loses
/// nothing already written). Lines: <c>A callId phone recordedAtTicks wallStartTicks wallEndTicks</c> (admitted and
/// handed to the placer; the wall-clock ticks taken just before the admission call and just after it returned), <c>U callId phone wallTicks</c> (admission outcome unknown: possibly recorded, not dialed),
/// <c>O callId disposition</c> (outcome recorded), <c>D count</c> (denials), <c>E message</c> (errors).
/// </summary>
public sealed class LogWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly object _gate = new();

    /// <summary>Opens (appends to) <paramref name="path"/>.</summary>
    public LogWriter(string path) =>
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);

    /// <summary>Writes one line (a newline is added) with invariant formatting.</summary>
    public void Line(FormattableString line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var bytes = Encoding.UTF8.GetBytes(line.ToString(CultureInfo.InvariantCulture) + "\n");
        lock (_gate)
        {
            _stream.Write(bytes);
            _stream.Flush();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}
