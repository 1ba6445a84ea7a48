namespace Dialer.Redial;

/// <summary>Hints carried by a queued dial for the host that places it. Stores persist the numeric value.</summary>
[Flags]
public enum RedialFlags
{
    /// <summary>No hint.</summary>
    None = 0,

    /// <summary>
    /// The answering-machine policy asks for a voicemail to be left if a machine answers this attempt
    /// (<see cref="AnsweringMachineAction.LeaveVoicemail"/>).
    /// </summary>
    LeaveVoicemail = 1,
}
