using System.Globalization;

namespace Svcsim.Reports;

/// <summary>
/// Sets the current thread's culture to the invariant culture until disposed. ScottPlot formats tick labels with
/// the current culture, so without this a report rendered on a German machine would show 0,5 where one rendered
/// elsewhere shows 0.5, and the bytes would differ.
/// </summary>
internal sealed class InvariantCultureScope : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public InvariantCultureScope()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }
}
