namespace Dialer.Redial;

/// <summary>What the redial policy does after an outcome with a given disposition.</summary>
public enum RedialAction
{
    /// <summary>Schedule another attempt (within the attempt limits), after the rule's delay.</summary>
    Redial = 0,

    /// <summary>Schedule nothing; a pending item of the lead stays as it is.</summary>
    Stop = 1,

    /// <summary>End redialing the lead: schedule nothing and cancel the lead's pending item.</summary>
    Terminal = 2,
}
