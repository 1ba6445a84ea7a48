namespace Dialer.Samples.Console.Hosting;

/// <summary>Bad input (an argument, a file, the configuration): exit code 2 with this one message.</summary>
internal sealed class UsageException(string message) : Exception(message);
