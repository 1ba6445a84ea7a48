namespace Dialer.Redial;

/// <summary>What the redial policy does once a number has reached the answering-machine threshold.</summary>
public enum AnsweringMachineAction
{
    /// <summary>Stop redialing the number.</summary>
    Stop = 0,

    /// <summary>
    /// Redial once more flagged <see cref="RedialFlags.LeaveVoicemail"/>; if a machine answers that attempt too
    /// (one past the threshold), stop.
    /// </summary>
    LeaveVoicemail = 1,

    /// <summary>Keep redialing (within the other limits), moving each attempt to the next daypart.</summary>
    ChangeDaypart = 2,
}
