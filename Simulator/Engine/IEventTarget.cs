namespace Svcsim.Engine;

/// <summary>
/// Something that events are delivered to. Model components implement it once and switch on
/// <paramref name="kind"/>: one interface call per event and no delegate or closure per event.
/// </summary>
public interface IEventTarget
{
    /// <summary>Handles one event. <paramref name="payload"/> and <paramref name="data"/> are what was scheduled.</summary>
    void OnEvent(int kind, object? payload, long data);
}
