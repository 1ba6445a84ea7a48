namespace Dialer.Samples.Console.Hosting;

/// <summary>The host's exit codes.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int BadInput = 2;
    public const int Denied = 3;
}
