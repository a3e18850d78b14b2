using System.Text;

namespace Svcsim.Reports;

/// <summary>
/// A self-contained HTML page: inline CSS, plots as inline base64 PNG, no external reference of any kind. Every text
/// goes through <see cref="Text.Html"/>; only the builders here write markup. A small inline script checks after
/// loading that every plot decoded and records the count in <c>#image-check</c> (shown only when one failed).
/// </summary>
internal sealed class Page
{
    private const string Style = """
        body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #1a1a1a; line-height: 1.45; }
        h1 { font-size: 1.7em; margin-bottom: 0.2em; }
        h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
        p.lede { color: #444; margin-top: 0; }
        p.conclusion { font-size: 1.08em; background: #f3f7fb; border-left: 4px solid #1f77b4; padding: 0.8em 1em; }
        p.note { color: #555; font-size: 0.9em; }
        table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
        th, td { border: 1px solid #d0d0d0; padding: 0.35em 0.6em; vertical-align: top; }
        th { background: #eef1f4; text-align: left; }
        tr:nth-child(even) td { background: #fafafa; }
        td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        td.best { font-weight: bold; }
        td.name { white-space: nowrap; }
        span.ci { display: block; color: #666; font-size: 0.85em; font-weight: normal; }
        figure { margin: 1.5em 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
        figcaption { color: #444; font-size: 0.9em; margin-top: 0.3em; }
        pre { background: #f6f6f6; border: 1px solid #ddd; padding: 0.8em; overflow-x: auto; font-size: 0.88em; }
        .warning { background: #fde8e8; border: 1px solid #c33; padding: 0.5em 1em; }
        section.decision { background: #f3f7fb; border: 1px solid #bcd3ea; border-left: 6px solid #1f77b4; padding: 0.2em 1.2em 0.8em; margin: 1em 0 1.5em; }
        section.decision h2 { margin-top: 0.6em; border-bottom: none; }
        p.headline { font-size: 1.15em; }
        ul.variants li, ul.caveats li { margin: 0.2em 0; }
        p.definitions { color: #444; font-size: 0.9em; }
        span.lost { color: #a11; font-weight: bold; }
        span.kept { color: #176a1b; font-weight: bold; }
        td.winner, div.winner { font-weight: bold; }
        span.variant { display: block; color: #333; font-size: 0.85em; text-align: left; }
        td.num div + div { margin-top: 0.5em; }
        details { margin: 0.8em 0; }
        details summary { cursor: pointer; color: #1f4f7b; }
        """;

    // Counts the plots that decoded; the page shows a warning when one did not. No network, no external names.
    private const string ImageCheck = """
        (function () {
          function check() {
            var ok = 0, broken = 0;
            for (var i = 0; i < document.images.length; i++) {
              var image = document.images[i];
              if (image.complete && image.naturalWidth > 0) { ok++; } else { broken++; }
            }
            var marker = document.getElementById('image-check');
            marker.setAttribute('data-images-ok', String(ok));
            marker.setAttribute('data-images-broken', String(broken));
            marker.setAttribute('data-state', 'done');
            if (broken > 0) {
              marker.textContent = broken + ' of ' + (ok + broken) + ' plots could not be shown.';
              marker.hidden = false;
            }
          }
          if (document.readyState === 'complete') { check(); } else { window.addEventListener('load', check); }
        })();
        """;

    private readonly StringBuilder _html = new();

    public Page(string title)
    {
        _html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        _html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        _html.Append("<title>").Append(Text.Html(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");
        _html.Append("<p id=\"image-check\" class=\"warning\" data-state=\"pending\" hidden></p>\n");
    }

    public Page Heading(int level, string text, string? id = null)
    {
        string tag = "h" + (char)('0' + level);
        _html.Append('<').Append(tag);
        if (id is not null)
        {
            _html.Append(" id=\"").Append(Text.Html(id)).Append('"');
        }

        _html.Append('>').Append(Text.Html(text)).Append("</").Append(tag).Append(">\n");
        return this;
    }

    public Page Paragraph(string text, string? cssClass = null, string? id = null)
    {
        _html.Append("<p");
        if (id is not null)
        {
            _html.Append(" id=\"").Append(Text.Html(id)).Append('"');
        }

        if (cssClass is not null)
        {
            _html.Append(" class=\"").Append(Text.Html(cssClass)).Append('"');
        }

        _html.Append('>').Append(Text.Html(text)).Append("</p>\n");
        return this;
    }

    /// <summary>Opens a <c>section</c>; close it with <see cref="CloseSection"/>.</summary>
    public Page OpenSection(string id, string cssClass)
    {
        _html.Append("<section id=\"").Append(Text.Html(id)).Append("\" class=\"").Append(Text.Html(cssClass)).Append("\">\n");
        return this;
    }

    public Page CloseSection()
    {
        _html.Append("</section>\n");
        return this;
    }

    /// <summary>Opens a folded block that shows <paramref name="summary"/> until opened; close it with <see cref="CloseDetails"/>.</summary>
    public Page OpenDetails(string summary, string id)
    {
        _html.Append("<details id=\"").Append(Text.Html(id)).Append("\">\n<summary>").Append(Text.Html(summary)).Append("</summary>\n");
        return this;
    }

    public Page CloseDetails()
    {
        _html.Append("</details>\n");
        return this;
    }

    /// <summary>A paragraph whose content is already HTML (built with <see cref="Text.Html"/>).</summary>
    public Page ParagraphHtml(string html, string? cssClass = null, string? id = null)
    {
        _html.Append("<p");
        if (id is not null)
        {
            _html.Append(" id=\"").Append(Text.Html(id)).Append('"');
        }

        if (cssClass is not null)
        {
            _html.Append(" class=\"").Append(Text.Html(cssClass)).Append('"');
        }

        _html.Append('>').Append(html).Append("</p>\n");
        return this;
    }

    /// <summary>A list whose items are already HTML.</summary>
    public Page List(string cssClass, IEnumerable<string> itemsHtml)
    {
        _html.Append("<ul class=\"").Append(Text.Html(cssClass)).Append("\">\n");
        foreach (string item in itemsHtml)
        {
            _html.Append("<li>").Append(item).Append("</li>\n");
        }

        _html.Append("</ul>\n");
        return this;
    }

    /// <summary>A link to a file beside the page (a relative path, never a URL).</summary>
    public static string Link(string relativePath, string text) =>
        "<a href=\"" + Text.Html(relativePath) + "\">" + Text.Html(text) + "</a>";

    /// <summary>A table whose cells are already HTML (built with <see cref="Cell"/>).</summary>
    public Page Table(string id, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<Cell>> rows)
    {
        _html.Append("<table id=\"").Append(Text.Html(id)).Append("\">\n<thead><tr>");
        foreach (string header in headers)
        {
            _html.Append("<th>").Append(Text.Html(header)).Append("</th>");
        }

        _html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            _html.Append("<tr>");
            foreach (var cell in row)
            {
                _html.Append("<td");
                if (cell.CssClass.Length > 0)
                {
                    _html.Append(" class=\"").Append(cell.CssClass).Append('"');
                }

                _html.Append('>').Append(cell.Html).Append("</td>");
            }

            _html.Append("</tr>\n");
        }

        _html.Append("</tbody>\n</table>\n");
        return this;
    }

    public Page Figure(PlotImage image)
    {
        _html.Append("<figure id=\"plot-").Append(Text.Html(image.Name)).Append("\">\n<img alt=\"").Append(Text.Html(image.Title))
            .Append("\" width=\"").Append(image.Width).Append("\" height=\"").Append(image.Height)
            .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(image.Png)).Append("\">\n<figcaption>")
            .Append(Text.Html(image.Caption)).Append(" Files: ").Append(Text.Html($"{OutputFiles.PlotsDirectory}/{image.Name}.png, .svg"))
            .Append("</figcaption>\n</figure>\n");
        return this;
    }

    public Page Preformatted(string text, string id)
    {
        _html.Append("<pre id=\"").Append(Text.Html(id)).Append("\">").Append(Text.Html(text)).Append("</pre>\n");
        return this;
    }

    public string Finish()
    {
        _html.Append("<script>\n").Append(ImageCheck).Append("\n</script>\n</body>\n</html>\n");
        return _html.ToString();
    }
}

/// <summary>A table cell's HTML and CSS class.</summary>
internal readonly record struct Cell(string Html, string CssClass)
{
    public static Cell Of(string text) => new(Text.Html(text), "");

    /// <summary>A short name (node, event kind, way of access) that must not wrap at its dashes.</summary>
    public static Cell Name(string text) => new(Text.Html(text), "name");

    public static Cell Number(string text, bool best = false) => new(Text.Html(text), best ? "num best" : "num");

    /// <summary>"99.873 %" over "95 % CI 99.801 – 99.934".</summary>
    public static Cell Estimate(MetricDisplay display, double mean, double low, double high, bool best = false, bool difference = false)
    {
        string ci = double.IsFinite(low) && double.IsFinite(high)
            ? $"{display.Format(low)} \u2013 {display.Format(high)}"
            : "no CI (one replication)";
        return new(Text.Html(display.FormatWithUnit(mean, difference)) + "<span class=\"ci\">" + Text.Html(ci) + "</span>", best ? "num best" : "num");
    }
}
