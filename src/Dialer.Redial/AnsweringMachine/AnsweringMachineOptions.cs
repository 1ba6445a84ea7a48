namespace Dialer.Redial;

/// <summary>
/// What the redial policy does about answering machines (<see cref="RedialOptions.AnsweringMachine"/>): once a number
/// has had <see cref="Threshold"/> machine results in a row (or <see cref="TotalThreshold"/> in total), apply
/// <see cref="Action"/>. A non-machine result resets "in a row".
/// </summary>
public sealed class AnsweringMachineOptions
{
    /// <summary>The default of <see cref="Enabled"/>.</summary>
    public const bool DefaultEnabled = true;

    /// <summary>The default of <see cref="Threshold"/>.</summary>
    public const int DefaultThreshold = 3;

    /// <summary>The default of <see cref="TotalThreshold"/> (off).</summary>
    public const int DefaultTotalThreshold = 0;

    /// <summary>The default of <see cref="Action"/>.</summary>
    public const AnsweringMachineAction DefaultAction = AnsweringMachineAction.LeaveVoicemail;

    /// <summary>Whether machine results are acted on (they are tracked either way).</summary>
    /// <value><see cref="DefaultEnabled"/> (<see langword="true"/>).</value>
    public bool Enabled { get; set; } = DefaultEnabled;

    /// <summary>Machine results in a row for a number after which <see cref="Action"/> applies; at least 1.</summary>
    /// <value><see cref="DefaultThreshold"/> (3).</value>
    public int Threshold { get; set; } = DefaultThreshold;

    /// <summary>Machine results in total for a number after which <see cref="Action"/> applies; 0 turns it off.</summary>
    /// <value><see cref="DefaultTotalThreshold"/> (0, off).</value>
    public int TotalThreshold { get; set; } = DefaultTotalThreshold;

    /// <summary>What to do once a threshold is reached.</summary>
    /// <value><see cref="DefaultAction"/> (<see cref="AnsweringMachineAction.LeaveVoicemail"/>).</value>
    public AnsweringMachineAction Action { get; set; } = DefaultAction;

    /// <summary>Host disposition codes that also mean "a machine answered", besides <c>answering_machine</c>.</summary>
    /// <value>Empty.</value>
    public List<string> AdditionalMachineCodes { get; set; } = [];
}
