/* SPDX-License-Identifier: MIT */
/*
 * The HTML report: one file with inline CSS and SVG, no script, nothing
 * fetched (a Content-Security-Policy says so to the browser too). Every
 * text from the register goes through html(); numbers are ours. The
 * elements tests and scripts look for carry data-* attributes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "approval-private.h"
#include "libsrr-private.h"
#include "report-private.h"
#include "util/date.h"

struct page {
	FILE *f;
	const struct report_summary *s;
	size_t max_rows;
};

/* Text as HTML: & < > " ' escaped, so it is safe in text and in quoted
 * attribute values. The register holds valid UTF-8 without control
 * characters (every writer checks), so nothing else needs care. */
static void
html(FILE *f, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

__attribute__((format(printf, 2, 3))) static void
out(struct page *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
}

/* A cell of user text: <td>text</td>, or a dash when there is none. */
static void
td(struct page *p, const char *s)
{
	if (!s || !*s) {
		out(p, "<td class=\"none\">—</td>");
		return;
	}
	out(p, "<td>");
	html(p->f, s);
	out(p, "</td>");
}

/* n with thousands separated by commas, for people ("100,000"); the
 * data-* attributes hold the plain number. */
static const char *
grouped(char buf[32], long n)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%ld", n < 0 ? -n : n);
	char *o = buf;
	if (n < 0)
		*o++ = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			*o++ = ',';
		*o++ = digits[i];
	}
	*o = '\0';
	return buf;
}

static void
td_num(struct page *p, const char *metric, long n)
{
	char g[32];
	if (metric)
		out(p, "<td class=\"n\" data-count=\"%s\" data-n=\"%ld\">%s</td>", metric, n,
		    grouped(g, n));
	else
		out(p, "<td class=\"n\" data-n=\"%ld\">%s</td>", n, grouped(g, n));
}

static const char *
plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---- style ------------------------------------------------------------ */

static const char style[] =
	":root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;--bad:#a40e26;--warn:#8a4600;--ok:#116329;}"
	"*{box-sizing:border-box}"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:24px}"
	"h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--ink)}"
	"h3{font-size:16px;margin:18px 0 6px}p{margin:6px 0}.muted,.none{color:var(--muted)}"
	"header p{margin:2px 0;color:var(--muted)}"
	"nav ol{columns:2;margin:8px 0;padding-left:20px}nav a{color:inherit}"
	"table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}"
	"th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}"
	"thead th{background:var(--soft)}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"caption{text-align:left;font-weight:600;padding:4px 0}"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:8px;margin:12px 0;padding:0}"
	".cards div{border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:0}"
	".cards dt{font-size:13px;color:var(--muted)}.cards dd{margin:0;font-size:24px;font-weight:600}"
	".cards dd small{font-size:13px;font-weight:400;color:var(--muted)}"
	".bad{color:var(--bad);font-weight:600}.warn{color:var(--warn);font-weight:600}.ok{color:var(--ok);font-weight:600}"
	".badge{display:inline-block;border:1px solid currentColor;border-radius:4px;padding:0 5px;font-size:12px;font-weight:600;white-space:nowrap}"
	".maps{display:flex;flex-wrap:wrap;gap:24px}.maps figure{margin:0;flex:1 1 420px}"
	"table.heat{width:auto}table.heat td{width:62px;height:48px;text-align:center;vertical-align:middle;border:1px solid #fff;padding:2px}"
	"table.heat td b{display:block;font-size:17px}table.heat td span{font-size:11px}"
	"table.heat th{background:none;border:none;font-weight:400;font-size:12px;color:var(--muted)}"
	"table.heat th.l{text-align:right}table.heat td.tl{border-left:3px solid var(--ink)}table.heat td.tb{border-bottom:3px solid var(--ink)}"
	"table.heat td.empty b{font-weight:400;opacity:.55}"
	".legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px}"
	".legend i{display:inline-block;width:14px;height:14px;vertical-align:-2px;margin-right:4px;border:1px solid var(--line)}"
	"svg{max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:var(--ink)}"
	"td.spark{width:130px}figure{margin:8px 0}figcaption{font-size:13px;color:var(--muted)}"
	"footer{margin-top:32px;font-size:12px;color:var(--muted)}"
	"@page{size:A4;margin:14mm 12mm}"
	"@media print{body{font-size:10pt;max-width:none;padding:0}nav{display:none}h2{break-after:avoid}"
	"section{break-inside:auto}table{font-size:9pt}thead{display:table-header-group}tr,figure{break-inside:avoid}"
	".cards dd{font-size:16pt}a{color:inherit;text-decoration:none}}";

/* ---- colours of the policy's levels -------------------------------------- */

/* Level i of n on a green - yellow - orange - red ramp, light enough for
 * dark text. */
static void
level_colour(char buf[8], size_t i, size_t n)
{
	static const unsigned char ramp[][3] = {
		{ 0xb7, 0xe4, 0xc7 }, { 0xfc, 0xe8, 0x8f }, { 0xfd, 0xbf, 0x6f }, { 0xf4, 0x8c, 0x7f },
	};
	double t = n > 1 ? (double)i / (double)(n - 1) * 3.0 : 0.0;
	size_t k = t >= 3.0 ? 2 : (size_t)t;
	double u = t - (double)k;
	unsigned c[3];
	for (int j = 0; j < 3; j++)
		c[j] = (unsigned)(ramp[k][j] + (ramp[k + 1][j] - ramp[k][j]) * u + 0.5);
	snprintf(buf, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/* ---- sections ------------------------------------------------------------- */

static void
header(struct page *p, struct srr_register *reg)
{
	const struct report_summary *s = p->s;
	char day[DATE_LEN + 1], now[TIME_LEN + 1];
	date_format(day, s->as_of);
	time_format(now, (int64_t)time(NULL));
	out(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "style-src 'unsafe-inline'; img-src data:\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"generator\" content=\"srr %s\">\n"
	       "<title>Supplier risk report as of %s</title>\n<style>%s</style>\n</head>\n<body>\n",
	    srr_version(), day, style);
	out(p, "<header>\n<h1>Supplier risk report</h1>\n"
	       "<p>As of <time data-as-of datetime=\"%s\">%s</time> · register <code>",
	    day, day);
	html(p->f, srr_register_id(reg));
	out(p, "</code></p>\n");
	out(p, "<p>Policy: ");
	if (s->policy->version) {
		out(p, "version %u, ", s->policy->version);
		out(p, "“");
		html(p->f, s->policy->name);
		out(p, "”");
		if (s->policy_approval)
			out(p, " — approval A-%lld %s", (long long)s->policy_approval->id,
			    srr_approval_status_name(s->policy_approval->status));
		else
			out(p, " — <span class=\"warn\">not approved</span>");
	} else {
		out(p, "the built-in default (no policy set)");
	}
	out(p, ". Written %s by srr %s.</p>\n</header>\n", now, srr_version());
	out(p, "<nav aria-label=\"Contents\"><ol>"
	       "<li><a href=\"#glance\">The register at a glance</a></li>"
	       "<li><a href=\"#risk\">Risk heat maps</a></li>"
	       "<li><a href=\"#due\">Overdue and upcoming</a></li>"
	       "<li><a href=\"#sla\">SLA breaches</a></li>"
	       "<li><a href=\"#approvals\">Approvals</a></li>"
	       "<li><a href=\"#log\">Audit log</a></li>"
	       "<li><a href=\"#coverage\">EN 319 401 coverage</a></li>"
	       "</ol></nav>\n<main>\n");
}

static void
card(struct page *p, const char *metric, const char *label, long n, const char *note,
     const char *cls)
{
	char g[32];
	out(p, "<div><dt>%s</dt><dd><span data-metric=\"%s\" data-n=\"%ld\"%s%s%s>%s</span>",
	    label, metric, n, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "",
	    grouped(g, n));
	if (note)
		out(p, " <small>%s</small>", note);
	out(p, "</dd></div>");
}

static void
glance(struct page *p)
{
	const struct report_summary *s = p->s;
	char note[96];
	out(p, "<section id=\"glance\" aria-labelledby=\"h-glance\">\n"
	       "<h2 id=\"h-glance\">The register at a glance</h2>\n<dl class=\"cards\">");
	snprintf(note, sizeof(note), "%ld retired", s->retired);
	card(p, "suppliers", "Active suppliers", s->suppliers, note, NULL);
	snprintf(note, sizeof(note), "%ld ending within %u days", s->contracts_ending, s->within);
	card(p, "contracts", "Contracts in force", s->contracts, note, NULL);
	snprintf(note, sizeof(note), "%ld measurements", s->measurements);
	card(p, "slas", "SLAs", s->slas, note, NULL);
	snprintf(note, sizeof(note), "%ld above tolerance", s->above_tolerance);
	card(p, "risks-open", "Open risks", s->risks_open, note, NULL);
	card(p, "overdue", "Overdue items", s->total_overdue, NULL, s->total_overdue ? "bad" : "ok");
	snprintf(note, sizeof(note), "%ld stale", s->by_status[SRR_APPROVAL_STALE]);
	card(p, "approvals-pending", "Approvals pending", s->by_status[SRR_APPROVAL_PENDING], note,
	     s->by_status[SRR_APPROVAL_PENDING] ? "warn" : NULL);
	out(p, "</dl>\n");

	static const char *const tier_names[] = { NULL, "critical", "high", "medium", "low" };
	out(p, "<table data-table=\"tiers\"><caption>Active suppliers by tier</caption>"
	       "<thead><tr><th scope=\"col\">Tier</th><th scope=\"col\" class=\"n\">Suppliers</th>"
	       "<th scope=\"col\" class=\"n\">Share</th><th scope=\"col\">Review cadence</th>"
	       "</tr></thead><tbody>");
	for (int t = SRR_TIER_CRITICAL; t <= SRR_TIER_LOW; t++) {
		char metric[24];
		snprintf(metric, sizeof(metric), "tier-%s", tier_names[t]);
		out(p, "<tr><th scope=\"row\">%s</th>", tier_names[t]);
		td_num(p, metric, s->by_tier[t]);
		double share = s->suppliers ? 100.0 * (double)s->by_tier[t] / (double)s->suppliers : 0;
		out(p, "<td class=\"n\">%.1f%%</td><td>every %u %s</td></tr>", share,
		    s->policy->cadence_months[t], plural(s->policy->cadence_months[t], "month", "months"));
	}
	out(p, "</tbody></table>\n");

	out(p, "<table data-table=\"agreements\"><caption>Agreements and monitoring</caption>"
	       "<thead><tr><th scope=\"col\">What</th><th scope=\"col\" class=\"n\">Count</th>"
	       "</tr></thead><tbody>");
	struct {
		const char *metric, *label;
		long n;
	} rows[] = {
		{ "contracts", "Contracts in force", s->contracts },
		{ "contracts-ended", "Contracts ended or terminated", s->contracts_ended },
		{ "clause-gaps", "Contracts in force missing a security clause", s->clause_gaps },
		{ "subcontractors", "Subcontractor links (fourth parties)", s->subcontractor_links },
		{ "slas", "SLAs", s->slas },
		{ "measurements", "SLA measurements", s->measurements },
		{ "breaches", "SLA breaches (all time)", s->breaches },
		{ "reviews", "Supplier reviews", s->reviews },
		{ "never-reviewed", "Active suppliers never reviewed", s->never_reviewed },
		{ "incidents", "Supplier incidents", s->incidents },
		{ "incidents-late", "Incidents notified late or not yet", s->incidents_late },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out(p, "<tr><th scope=\"row\">%s</th>", rows[i].label);
		td_num(p, rows[i].metric, rows[i].n);
		out(p, "</tr>");
	}
	out(p, "</tbody></table>\n</section>\n");
}

/* One matrix: likelihood rows from the top (highest) down, impact columns
 * left to right; each cell its count and level name in the level's colour;
 * a thick line where the cells above tolerance begin. */
static void
matrix(struct page *p, const char *which, const char *title, const long *cells)
{
	const struct srr_policy *pol = p->s->policy;
	size_t nl = pol->n_likelihood, ni = pol->n_impact;
	long total = 0;
	for (size_t i = 0; i < nl * ni; i++)
		total += cells[i];
	out(p, "<figure><table class=\"heat\" data-heat=\"%s\" data-total=\"%ld\">"
	       "<caption>%s: %ld open %s</caption><thead><tr><td></td>",
	    which, total, title, total, plural(total, "risk", "risks"));
	for (size_t i = 0; i < ni; i++) {
		out(p, "<th scope=\"col\">");
		html(p->f, pol->impact[i]);
		out(p, "</th>");
	}
	out(p, "</tr></thead><tbody>");
	for (size_t l = nl; l-- > 0;) {
		out(p, "<tr><th scope=\"row\" class=\"l\">");
		html(p->f, pol->likelihood[l]);
		out(p, "</th>");
		for (size_t i = 0; i < ni; i++) {
			int lv = srr_policy_level(pol, (unsigned)l + 1, (unsigned)i + 1);
			bool above = lv > (int)pol->tolerance;
			bool left_in = i > 0 && srr_policy_level(pol, (unsigned)l + 1, (unsigned)i) <=
							(int)pol->tolerance;
			bool below_in = l > 0 && srr_policy_level(pol, (unsigned)l, (unsigned)i + 1) <=
							 (int)pol->tolerance;
			char colour[8];
			level_colour(colour, lv < 0 ? 0 : (size_t)lv, pol->n_levels);
			long n = cells[l * ni + i];
			out(p, "<td style=\"background:%s\" class=\"%s%s%s\" data-l=\"%zu\" data-i=\"%zu\""
			       " data-n=\"%ld\" title=\"",
			    colour, n ? "" : "empty", above && left_in ? " tl" : "",
			    above && below_in ? " tb" : "", l + 1, i + 1, n);
			html(p->f, pol->likelihood[l]);
			out(p, " × ");
			html(p->f, pol->impact[i]);
			out(p, ": ");
			if (lv >= 0)
				html(p->f, pol->levels[lv].name);
			out(p, ", %s tolerance\"><b>%ld</b><span>", above ? "above" : "within", n);
			if (lv >= 0)
				html(p->f, pol->levels[lv].name);
			out(p, "%s</span></td>", above ? " ▲" : "");
		}
		out(p, "</tr>");
	}
	out(p, "</tbody></table><figcaption>Rows: likelihood; columns: impact. ▲ and the thick "
	       "line mark cells above the tolerance level.</figcaption></figure>");
}

static void
heat_maps(struct page *p)
{
	const struct report_summary *s = p->s;
	const struct srr_policy *pol = s->policy;
	out(p, "<section id=\"risk\" aria-labelledby=\"h-risk\">\n"
	       "<h2 id=\"h-risk\">Risk heat maps</h2>\n<p>Open risks by likelihood and impact, "
	       "before treatment (inherent) and after it (residual; a risk not yet treated counts "
	       "at its inherent place). Risk tolerance: <strong>");
	html(p->f, pol->levels[pol->tolerance].name);
	out(p, "</strong>. <span data-metric=\"above-tolerance\">%ld</span> open %s above it, "
	       "%ld not treated yet.</p>\n<div class=\"maps\">",
	    s->above_tolerance, plural(s->above_tolerance, "risk is", "risks are"), s->untreated);
	matrix(p, "inherent", "Inherent risk", s->inherent);
	matrix(p, "residual", "Residual risk", s->residual);
	out(p, "</div>\n<ul class=\"legend\" aria-label=\"Risk levels\">");
	for (size_t i = 0; i < pol->n_levels; i++) {
		char colour[8];
		level_colour(colour, i, pol->n_levels);
		out(p, "<li><i style=\"background:%s\"></i>", colour);
		html(p->f, pol->levels[i].name);
		out(p, " (score up to %u)%s</li>", pol->levels[i].max,
		    i == pol->tolerance ? " — tolerance" : "");
	}
	out(p, "</ul>\n");
	if (s->off_matrix)
		out(p, "<p class=\"bad\">%ld open %s outside the policy's matrix.</p>\n",
		    s->off_matrix, plural(s->off_matrix, "risk lies", "risks lie"));
	out(p, "<table data-table=\"acceptances\"><caption>Accepted risks</caption><thead><tr>"
	       "<th scope=\"col\">State</th><th scope=\"col\" class=\"n\">Risks</th></tr></thead>"
	       "<tbody><tr><th scope=\"row\">Accepted</th>");
	td_num(p, "accepted", s->acceptance[SRR_ACCEPTANCE_ACCEPTED]);
	out(p, "</tr><tr><th scope=\"row\">Above tolerance, awaiting management's signatures</th>");
	td_num(p, "acceptance-pending", s->acceptance[SRR_ACCEPTANCE_PENDING]);
	out(p, "</tr><tr><th scope=\"row\">Expired</th>");
	td_num(p, "acceptance-expired", s->acceptance[SRR_ACCEPTANCE_EXPIRED]);
	out(p, "</tr></tbody></table>\n</section>\n");
}

static void
due_section(struct page *p)
{
	const struct report_summary *s = p->s;
	out(p, "<section id=\"due\" aria-labelledby=\"h-due\">\n<h2 id=\"h-due\">Overdue and "
	       "upcoming</h2>\n<p><span data-metric=\"due-overdue\">%ld</span> overdue, "
	       "<span data-metric=\"due-upcoming\">%ld</span> due within %u days, "
	       "<span data-metric=\"due-waiting\">%ld</span> waiting since they were asked "
	       "for (approvals, notifications).</p>\n",
	    s->total_overdue,
	    (long)srr_due_list_count(s->due) - s->total_overdue - s->total_waiting, s->within,
	    s->total_waiting);
	out(p, "<table data-table=\"due-kinds\"><caption>By kind</caption><thead><tr>"
	       "<th scope=\"col\">Kind</th><th scope=\"col\" class=\"n\">Overdue</th>"
	       "<th scope=\"col\" class=\"n\">Upcoming</th><th scope=\"col\" class=\"n\">Waiting"
	       "</th></tr></thead><tbody>");
	for (unsigned k = 1; k < REPORT_DUE_KINDS; k++) {
		if (!s->overdue[k] && !s->upcoming[k] && !s->waiting[k])
			continue;
		const char *name = srr_due_kind_name((enum srr_due_kind)k);
		out(p, "<tr><th scope=\"row\">%s</th>", name);
		out(p, "<td class=\"n%s\" data-overdue=\"%s\" data-n=\"%ld\">%ld</td>"
		       "<td class=\"n\" data-upcoming=\"%s\" data-n=\"%ld\">%ld</td>"
		       "<td class=\"n\" data-waiting=\"%s\" data-n=\"%ld\">%ld</td></tr>",
		    s->overdue[k] ? " bad" : "", name, s->overdue[k], s->overdue[k], name,
		    s->upcoming[k], s->upcoming[k], name, s->waiting[k], s->waiting[k]);
	}
	out(p, "</tbody></table>\n");
	size_t n = srr_due_list_count(s->due), shown = n < p->max_rows ? n : p->max_rows;
	if (n == 0) {
		out(p, "<p class=\"ok\">Nothing is overdue or due within %u days.</p>\n</section>\n",
		    s->within);
		return;
	}
	out(p, "<table data-table=\"due\" data-rows=\"%zu\"><caption>Items, most overdue first"
	       "</caption><thead><tr><th scope=\"col\">Due</th><th scope=\"col\" class=\"n\">Days"
	       "</th><th scope=\"col\">Kind</th><th scope=\"col\">Supplier</th>"
	       "<th scope=\"col\">What</th><th scope=\"col\">Who</th>"
	       "<th scope=\"col\">Requirement</th></tr></thead><tbody>",
	    shown);
	for (size_t i = 0; i < shown; i++) {
		const struct srr_due_item *it = srr_due_list_get(s->due, i);
		out(p, "<tr><td>%s</td><td class=\"n%s\">%ld</td><td>%s%s</td>", it->due,
		    it->overdue ? " bad" : "", it->days, srr_due_kind_name(it->kind),
		    it->overdue ? " <span class=\"badge bad\">overdue</span>" : "");
		td(p, it->supplier);
		td(p, it->what);
		td(p, it->who);
		td(p, it->requirement);
		out(p, "</tr>");
	}
	out(p, "</tbody></table>\n");
	if (shown < n)
		out(p, "<p class=\"muted\" data-more=\"due\">%zu more in <code>due.csv</code> "
		       "(<code>srr report --csv DIR</code>).</p>\n",
		    n - shown);
	out(p, "</section>\n");
}

static void
breach_chart(struct page *p)
{
	const struct report_summary *s = p->s;
	long max = 0;
	for (int i = 0; i < REPORT_MONTHS; i++)
		if (s->month_breaches[i] > max)
			max = s->month_breaches[i];
	const int w = 720, h = 220, left = 40, bottom = 30, top = 16;
	const int bw = (w - left - 10) / REPORT_MONTHS;
	out(p, "<figure><svg role=\"img\" aria-labelledby=\"chart-t\" viewBox=\"0 0 %d %d\" "
	       "width=\"%d\" height=\"%d\" data-chart=\"breaches\"><title id=\"chart-t\">SLA "
	       "breaches per month, all suppliers:",
	    w, h, w, h);
	for (int i = 0; i < REPORT_MONTHS; i++) {
		char m[REPORT_MONTH_LEN];
		report_month_label(m, s->last_month - REPORT_MONTHS + 1 + i);
		out(p, "%s %s %ld", i ? "," : "", m, s->month_breaches[i]);
	}
	out(p, "</title>");
	int plot = h - bottom - top;
	out(p, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#57606a\"/>", left,
	    h - bottom, w - 6, h - bottom);
	out(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%ld</text>", left - 6, top + 4, max);
	out(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", left - 6, h - bottom);
	for (int i = 0; i < REPORT_MONTHS; i++) {
		long v = s->month_breaches[i];
		int bh = max ? (int)((double)plot * (double)v / (double)max + 0.5) : 0;
		int x = left + i * bw + 4;
		char m[REPORT_MONTH_LEN];
		report_month_label(m, s->last_month - REPORT_MONTHS + 1 + i);
		out(p, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#cf4a3c\" "
		       "data-month=\"%s\" data-n=\"%ld\"><title>%s: %ld</title></rect>",
		    x, h - bottom - bh, bw - 8, bh, m, v, m, v);
		if (v)
			out(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%ld</text>",
			    x + (bw - 8) / 2, h - bottom - bh - 3, v);
		out(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", x + (bw - 8) / 2,
		    h - bottom + 14, m + 2);
	}
	out(p, "</svg><figcaption>SLA breaches per month over the last %d months, all suppliers "
	       "(quarterly measurements count in the quarter's last month).</figcaption></figure>\n",
	    REPORT_MONTHS);
}

/* A row of small bars, one per month, scaled to the row's own maximum. */
static void
spark(struct page *p, const long months[REPORT_MONTHS])
{
	long max = 0;
	for (int i = 0; i < REPORT_MONTHS; i++)
		if (months[i] > max)
			max = months[i];
	out(p, "<svg viewBox=\"0 0 120 24\" width=\"120\" height=\"24\" aria-hidden=\"true\">");
	for (int i = 0; i < REPORT_MONTHS; i++) {
		int bh = max ? (int)(22.0 * (double)months[i] / (double)max + 0.5) : 0;
		if (months[i] && bh < 2)
			bh = 2;
		out(p, "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"%d\" fill=\"%s\"/>", i * 10,
		    23 - bh, bh ? bh : 1, bh ? "#cf4a3c" : "#d0d7de");
	}
	out(p, "</svg>");
}

static void
sla_section(struct page *p)
{
	const struct report_summary *s = p->s;
	char first[REPORT_MONTH_LEN], last[REPORT_MONTH_LEN];
	report_month_label(first, s->last_month - REPORT_MONTHS + 1);
	report_month_label(last, s->last_month);
	out(p, "<section id=\"sla\" aria-labelledby=\"h-sla\">\n<h2 id=\"h-sla\">SLA breaches</h2>\n"
	       "<p><span data-metric=\"window-breaches\">%ld</span> %s from %s to %s, at "
	       "<span data-metric=\"suppliers-breaching\">%ld</span> %s.</p>\n",
	    s->window_breaches, plural(s->window_breaches, "breach", "breaches"), first, last,
	    s->suppliers_breaching, plural(s->suppliers_breaching, "supplier", "suppliers"));
	breach_chart(p);
	if (s->n_top == 0) {
		out(p, "</section>\n");
		return;
	}
	out(p, "<table data-table=\"breaches\"><caption>Suppliers with the most breaches, %s to %s"
	       "</caption><thead><tr><th scope=\"col\">Supplier</th><th scope=\"col\">Key</th>"
	       "<th scope=\"col\">Per month</th><th scope=\"col\" class=\"n\">Breaches</th>"
	       "<th scope=\"col\">Months with a breach</th></tr></thead><tbody>",
	    first, last);
	for (size_t i = 0; i < s->n_top; i++) {
		const struct report_breach_row *r = &s->top[i];
		out(p, "<tr>");
		td(p, r->name);
		out(p, "<td><code>");
		html(p->f, r->key);
		out(p, "</code></td><td class=\"spark\">");
		spark(p, r->months);
		out(p, "</td><td class=\"n\">%ld</td><td>", r->total);
		bool any = false;
		for (int m = 0; m < REPORT_MONTHS; m++) {
			if (!r->months[m])
				continue;
			char lab[REPORT_MONTH_LEN];
			report_month_label(lab, s->last_month - REPORT_MONTHS + 1 + m);
			out(p, "%s%s", any ? ", " : "", lab);
			if (r->months[m] > 1)
				out(p, " (%ld)", r->months[m]);
			any = true;
		}
		out(p, "</td></tr>");
	}
	out(p, "</tbody></table>\n</section>\n");
}

static const char *
status_class(enum srr_approval_status st)
{
	switch (st) {
	case SRR_APPROVAL_APPROVED:
		return "ok";
	case SRR_APPROVAL_PENDING:
		return "warn";
	default:
		return "bad";
	}
}

static void
approvals_section(struct page *p)
{
	const struct report_summary *s = p->s;
	size_t n = srr_approval_list_count(s->approvals);
	out(p, "<section id=\"approvals\" aria-labelledby=\"h-approvals\">\n"
	       "<h2 id=\"h-approvals\">Approvals</h2>\n<p>Management's sign-offs, each a detached "
	       "CMS signature made with a key on a PKCS#11 token over the exact record approved. "
	       "The state is derived now from the signatures and the policy in force: "
	       "<span data-metric=\"approved\">%ld</span> approved, "
	       "<span data-metric=\"pending\">%ld</span> pending, "
	       "<span data-metric=\"stale\">%ld</span> stale, "
	       "<span data-metric=\"rejected\">%ld</span> rejected; "
	       "<span data-metric=\"acceptances-pending\">%ld</span> %s above tolerance "
	       "awaiting signatures. <code>srr verify</code> re-checks every signature.</p>\n",
	    s->by_status[SRR_APPROVAL_APPROVED], s->by_status[SRR_APPROVAL_PENDING],
	    s->by_status[SRR_APPROVAL_STALE], s->by_status[SRR_APPROVAL_REJECTED],
	    s->acceptance[SRR_ACCEPTANCE_PENDING],
	    plural(s->acceptance[SRR_ACCEPTANCE_PENDING], "acceptance", "acceptances"));
	if (n == 0) {
		out(p, "<p class=\"muted\">No approval has been requested.</p>\n</section>\n");
		return;
	}
	size_t shown = n < p->max_rows ? n : p->max_rows;
	out(p, "<table data-table=\"approvals\" data-rows=\"%zu\"><caption>Requests, newest first"
	       "</caption><thead><tr><th scope=\"col\">Request</th><th scope=\"col\">Subject</th>"
	       "<th scope=\"col\">State</th><th scope=\"col\">Quorum</th>"
	       "<th scope=\"col\">Signed by</th><th scope=\"col\">Requested by</th>"
	       "<th scope=\"col\">Note</th></tr></thead><tbody>",
	    shown);
	for (size_t k = 0; k < shown; k++) {
		const struct srr_approval *a = srr_approval_list_get(s->approvals, n - 1 - k);
		char what[96];
		approval_describe(what, sizeof(what), a->subject, a->target);
		const char *st = srr_approval_status_name(a->status);
		out(p, "<tr data-approval=\"A-%lld\" data-status=\"%s\"><th scope=\"row\">A-%lld</th>",
		    (long long)a->id, st, (long long)a->id);
		td(p, what);
		out(p, "<td><span class=\"badge %s\">%s</span></td>", status_class(a->status), st);
		if (a->quorum)
			out(p, "<td>%u of %u</td>", a->have, a->quorum);
		else
			out(p, "<td class=\"bad\">no rule</td>");
		out(p, "<td>");
		if (a->n_signatures == 0)
			out(p, "<span class=\"none\">no signature</span>");
		for (size_t i = 0; i < a->n_signatures; i++) {
			const struct srr_signature *sg = &a->signatures[i];
			out(p, "%s", i ? "<br>" : "");
			html(p->f, sg->approver ? sg->approver : sg->cert_subject);
			out(p, " <span class=\"muted\">");
			html(p->f, sg->signed_at);
			out(p, "</span>");
			if (!sg->counts) {
				out(p, " <span class=\"badge bad\">does not count</span> ");
				html(p->f, sg->why_not);
			}
		}
		out(p, "</td>");
		td(p, a->requester);
		out(p, "<td>");
		if (a->status == SRR_APPROVAL_STALE) {
			out(p, "stale: ");
			html(p->f, a->stale_because);
		} else if (a->status == SRR_APPROVAL_REJECTED) {
			out(p, "rejected by ");
			html(p->f, a->rejected_by);
			out(p, " on ");
			html(p->f, a->rejected);
			out(p, a->rejection ? " (signed): " : ": ");
			html(p->f, a->reason);
		} else if (a->status == SRR_APPROVAL_PENDING && a->quorum) {
			out(p, "missing quorum: %u more %s", a->quorum - a->have,
			    plural((long)(a->quorum - a->have), "signature", "signatures"));
		}
		out(p, "</td></tr>");
	}
	out(p, "</tbody></table>\n");
	if (shown < n)
		out(p, "<p class=\"muted\" data-more=\"approvals\">%zu more in "
		       "<code>approvals.csv</code>.</p>\n",
		    n - shown);
	out(p, "</section>\n");
}

static void
log_section(struct page *p)
{
	const struct report_summary *s = p->s;
	out(p, "<section id=\"log\" aria-labelledby=\"h-log\">\n<h2 id=\"h-log\">Audit log</h2>\n"
	       "<p>Every change is an event in an append-only log whose events are the leaves of a "
	       "Merkle tree (RFC 9162); signed checkpoints fix its size and root.</p>\n"
	       "<table data-table=\"log\"><tbody><tr><th scope=\"row\">Events</th>");
	td_num(p, "events", (long)s->events);
	out(p, "</tr><tr><th scope=\"row\">Signed checkpoints</th>");
	td_num(p, "checkpoints", (long)srr_checkpoint_list_count(s->checkpoints));
	out(p, "</tr><tr><th scope=\"row\">Newest signed checkpoint</th>");
	if (s->latest) {
		const struct srr_checkpoint *c = s->latest;
		out(p, "<td data-checkpoint=\"C-%lld\">C-%lld: %lld events, signed ",
		    (long long)c->id, (long long)c->id, (long long)c->size);
		html(p->f, c->signed_at);
		out(p, " by ");
		html(p->f, c->signer);
		out(p, ", clock %s</td>", c->clock_synced ? "synchronised" : "<span class=\"warn\">not "
										  "synchronised</span>");
	} else {
		out(p, "<td class=\"warn\">none: run <code>srr checkpoint --key URI</code></td>");
	}
	long after = (long)(s->events - (s->latest ? s->latest->size : 0));
	out(p, "</tr><tr><th scope=\"row\">Events after it</th><td class=\"n%s\" "
	       "data-count=\"uncovered\" data-n=\"%ld\">%ld</td></tr></tbody></table>\n</section>\n",
	    after ? " warn" : "", after, after);
}

static void
coverage_section(struct page *p)
{
	const struct report_summary *s = p->s;
	out(p, "<section id=\"coverage\" aria-labelledby=\"h-coverage\">\n"
	       "<h2 id=\"h-coverage\">EN 319 401 coverage</h2>\n<p>Each requirement of ETSI EN 319 "
	       "401 (V3.2.1) and NIS2 that srr serves, the evidence this register holds for it, and "
	       "the gaps found as of this day. The mapping is docs/en319401.md.</p>\n"
	       "<table data-table=\"coverage\"><thead><tr><th scope=\"col\">Requirement</th>"
	       "<th scope=\"col\">Evidence in this register</th><th scope=\"col\">Gaps</th>"
	       "<th scope=\"col\">srr</th></tr></thead><tbody>");
	for (size_t i = 0; i < srr_requirement_count(); i++) {
		const struct srr_requirement *r = srr_requirement_get(i);
		const struct report_cover *c = &s->cover[i];
		out(p, "<tr data-requirement=\"%zu\"%s><th scope=\"row\">", i,
		    c->gaps ? " data-gaps" : "");
		html(p->f, r->id);
		out(p, "<br><span class=\"muted\">");
		html(p->f, r->title);
		out(p, "</span></th><td>");
		html(p->f, c->evidence);
		out(p, "</td>");
		if (c->gaps) {
			out(p, "<td><span class=\"badge warn\">gap</span> ");
			html(p->f, c->gaps);
			out(p, "</td>");
		} else {
			out(p, "<td class=\"ok\">none found</td>");
		}
		out(p, "<td>%s", r->status);
		if (r->gap) {
			out(p, ": <span class=\"muted\">");
			html(p->f, r->gap);
			out(p, "</span>");
		}
		out(p, "</td></tr>");
	}
	out(p, "</tbody></table>\n</section>\n");
}

SRR_EXPORT int
srr_report_html(struct srr_register *reg, const struct srr_report_options *options, FILE *f)
{
	struct report_scope scope;
	struct report_summary *s = NULL;
	int rc = report_open(reg, options, f, &scope, &s);
	if (rc)
		return rc;
	{
		struct page p = { .f = f,
				  .s = s,
				  .max_rows = options && options->max_rows ? options->max_rows : 100 };
		header(&p, reg);
		glance(&p);
		heat_maps(&p);
		due_section(&p);
		sla_section(&p);
		approvals_section(&p);
		log_section(&p);
		coverage_section(&p);
		out(&p, "</main>\n<footer><p>Written by srr %s from register <code>", srr_version());
		html(f, srr_register_id(reg));
		out(&p, "</code>. Derived states (due, stale, above tolerance) are as of the day "
			"above; the register and its log are the record.</p></footer>\n</body>\n"
			"</html>\n");
		if (fflush(f) != 0 || ferror(f))
			rc = reg_error(reg, SRR_E_IO, "writing the report: %s", strerror(errno));
	}
	report_summary_free(s);
	return report_end(reg, &scope, rc);
}
