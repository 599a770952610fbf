/* SPDX-License-Identifier: MIT */
/*
 * gen-register: a synthetic register in the YAML shape of
 * docs/formats/yaml.md, for the import benchmark and for tests.
 *
 * Usage: gen-register --suppliers N [--seed S] [--out FILE|-] [--csv DIR]
 *
 * The output is a function of N and S alone: every supplier draws from
 * SplitMix64 streams seeded by (S, its index, what it draws), never from
 * rand() or the clock, so the same arguments give the same bytes on any
 * machine. Each supplier has 1-3 services, 1-2 contacts, 2 contracts with
 * one SLA each (half of them with measurements), 3 risks (about 30%
 * treated), and sometimes a review, an incident and subcontractors. Every
 * date is valid and no later than 2025-12-31, except contract ends, which
 * run to 2029. About 1.4 KB of YAML per supplier.
 *
 * Subcontractors never form a cycle: a supplier names earlier ones, and
 * now and then a later one that names nobody (whether a supplier names
 * subcontractors is drawn from a stream of its own, so a later supplier's
 * choice is known before it is written).
 *
 * --csv DIR also writes the same rows as CSV files without a header, one
 * per table of DIR/schema.sql, with the ids the register would give them:
 * the bare-SQLite baseline of bench-import (`sqlite3` `.import --csv`).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static __attribute__((format(printf, 1, 2), noreturn)) void
die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen-register: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_FAILURE);
}

/* --- random streams ----------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* What a stream is for: one stream per supplier and purpose. */
enum { S_NAME, S_SUBS, S_BODY };

static uint64_t seed;

static struct rng
rng_for(uint64_t index, unsigned purpose)
{
	uint64_t x = seed;
	x = splitmix64(&x) ^ (index << 2 | purpose);
	return (struct rng){ splitmix64(&x) };
}

/* Uniform in [0, n), n < 2^32. */
static uint32_t
below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((splitmix64(&r->s) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability permille / 1000. */
static bool
chance(struct rng *r, uint32_t permille)
{
	return below(r, 1000) < permille;
}

#define PICK(r, a) ((a)[below((r), COUNT(a))])

/* --- dates: days since 1970-01-01 ---------------------------------------- */

static int32_t
days_of(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* Uniform in [lo, hi]. */
static int32_t
day_in(struct rng *r, int32_t lo, int32_t hi)
{
	return lo + (int32_t)below(r, (uint32_t)(hi - lo + 1));
}

/* Nothing happens after 2025-12-31 (days_of(2025, 12, 31)). */
enum { LAST_DAY = 20453 };

/* --- the word lists -------------------------------------------------------- */

static const char *const prefixes[] = {
	"Acme",	    "Nordwind",	  "Bluepeak",	 "Kestrel",    "Meridian",  "Vantage", "Helios",
	"Quantum",  "Silverline", "Brightwater", "Ironbridge", "Northstar", "Orbital", "Polar",
	"Redwood",  "Sapphire",	  "Summit",	 "Tidewater",  "Zenith",    "Atlas",   "Beacon",
	"Cobalt",   "Delta",	  "Evergreen",	 "Falcon",     "Granite",   "Harbor",  "Indigo",
	"Juniper",  "Keystone",	  "Lumen",	 "Monarch",    "Nimbus",    "Onyx",    "Pinnacle",
	"Quasar",   "Riverside",  "Sterling",	 "Titan",      "Unity",	    "Vertex",  "Westwind",
	"Xenon",    "Yellowfin",  "Zephyr",	 "Alpenglow",  "Baltic",    "Cascade", "Danube",
	"Elbe",	    "Fjord",	  "Gulfstream",	 "Highland",   "Isar",	    "Jura",    "Kraken",
	"Lakeside", "Main",	  "Neckar",	 "Oder",
};
static const char *const prefixes_intl[] = {
	"Müller", "Schäfer",  "Köhler", "Société", "Øresund", "Łódź",	"Ñandú",
	"Çelik",  "Ångström", "Gómez",	"Dvořák",  "Nørre",   "Žilina", "Größer",
};
/* Names that a YAML 1.1 reader takes for something else unless quoted. */
static const char *const awkward_names[] = {
	"Yes",
	"No",
	"Null",
	"On",
	"off",
	"True",
	"~",
	"365 Data Services Ltd",
	"24/7 Monitoring GmbH",
	"Alpha: Secure Hosting GmbH",
	"Vision #1 Networks Ltd",
	"\"Quoted\" Systems Inc.",
	"Back\\slash Labs LLC",
	"- Dash Consulting Ltd",
	"@Home Networks BV",
	"[Bracket] Software AB",
	"O'Neill & Partners Ltd",
	"Ops & Co: Datacenter, Storage and Backup SA",
	"%Percent Analytics",
	"*Star* Security Ltd",
	"!Bang Telecom",
	"? Query Analytics Oy",
	"2024-01-01",
	"12:30",
	"0x1F Networks",
	"3.14",
	".inf",
	"Trailing Space Ltd ",
};

struct sector {
	const char *name;
	const char *services[4];
};
static const struct sector sectors[] = {
	{ "Logistics",
	  { "Freight forwarding", "Warehousing", "Secure courier", "Customs brokerage" } },
	{ "Cloud Services",
	  { "IaaS hosting", "Managed Kubernetes", "Object storage (S3-compatible)",
	    "Backup as a service" } },
	{ "Datentechnik",
	  { "Rechenzentrumsbetrieb", "Server-Housing", "Netzwerkbetrieb", "Datensicherung" } },
	{ "Networks", { "WAN connectivity", "DDoS mitigation", "DNS hosting", "Cross-connects" } },
	{ "Security",
	  { "Managed SOC", "Penetration testing", "Vulnerability scanning",
	    "Incident response retainer" } },
	{ "Software",
	  { "Certificate lifecycle software", "Ticketing SaaS", "Source code hosting",
	    "CI/CD platform" } },
	{ "Consulting",
	  { "Audit preparation", "ISO 27001 consulting", "Legal advice, eIDAS",
	    "Staff augmentation" } },
	{ "Data Centers",
	  { "Colocation", "Remote hands", "Power and cooling", "Physical security" } },
	{ "Identity",
	  { "Identity proofing", "Video identification", "Remote signing backend",
	    "HSM hosting" } },
	{ "Telecom", { "SMS OTP delivery", "Voice lines", "Mobile connectivity", "SIP trunking" } },
	{ "Print & Mail",
	  { "Secure printing", "PIN mailer production", "Document archiving", "Hybrid mail" } },
	{ "Facility Services",
	  { "Cleaning", "Guarding", "Access control systems", "Building maintenance" } },
	{ "Payments",
	  { "Payment processing", "Card issuing", "Invoice handling", "Fraud screening" } },
	{ "Analytics",
	  { "Log analytics", "SIEM platform", "Business intelligence", "Data warehouse" } },
	{ "Time Services",
	  { "Trusted time source", "NTP appliances", "Time-stamping backend", "GNSS receivers" } },
};

struct country {
	const char *code;
	unsigned weight;
	const char *forms[3];
};
static const struct country countries[] = {
	{ "DE", 24, { "GmbH", "AG", "SE" } },
	{ "FR", 8, { "SA", "SAS", "SARL" } },
	{ "NL", 7, { "BV", "NV", "BV" } },
	{ "GB", 8, { "Ltd", "plc", "Ltd" } },
	{ "US", 10, { "Inc.", "LLC", "Corp." } },
	{ "AT", 4, { "GmbH", "AG", "GmbH" } },
	{ "CH", 4, { "AG", "GmbH", "SA" } },
	{ "BE", 3, { "NV", "SA", "BV" } },
	{ "IE", 4, { "Ltd", "DAC", "Ltd" } },
	{ "SE", 3, { "AB", "AB", "AB" } },
	{ "DK", 2, { "ApS", "A/S", "ApS" } },
	{ "FI", 2, { "Oy", "Oyj", "Oy" } },
	{ "NO", 2, { "AS", "ASA", "AS" } },
	{ "IT", 4, { "S.p.A.", "S.r.l.", "S.r.l." } },
	{ "ES", 4, { "SL", "SA", "SL" } },
	{ "PL", 4, { "Sp. z o.o.", "S.A.", "Sp. z o.o." } },
	{ "CZ", 2, { "s.r.o.", "a.s.", "s.r.o." } },
	{ "PT", 2, { "Lda", "SA", "Lda" } },
	{ "LU", 2, { "S.à r.l.", "SA", "S.à r.l." } },
	{ "EE", 1, { "OÜ", "AS", "OÜ" } },
};

static const char *const first_names[] = {
	"Jane",	  "John",   "Anna",	"Lukas", "Sophie",  "Mateo",  "Emma",	   "Noah",
	"Olivia", "Liam",   "Jürgen",	"Zoë",	 "Siobhán", "Ólafur", "Agnieszka", "Łukasz",
	"Søren",  "Élodie", "François", "José",	 "Björn",   "Mia",    "Ben",	   "Lea",
	"Paul",	  "Marie",  "Jonas",	"Laura", "Tom",	    "Sara",   "Henrik",	   "Ines",
};
static const char *const last_names[] = {
	"Roe",	    "Doe",     "Schmidt",  "Müller",  "Weiß",	 "Dubois",  "Rossi",	 "García",
	"Nowak",    "Novák",   "Jansen",   "Peeters", "Murphy",	 "O'Brien", "Andersson", "Nielsen",
	"Virtanen", "Hansen",  "Silva",	   "Smith",   "Brown",	 "Wagner",  "Becker",	 "Fischer",
	"Martin",   "Bernard", "Kowalski", "Costa",   "Ferrari", "Lehmann", "Van Dijk",	 "Keller",
};
static const char *const roles[] = {
	"security", "account manager", "service desk", "data protection officer",
	"legal",    "operations",      "escalation",   "key account",
};

static const char *const risk_titles[] = {
	"Single-region hosting",
	"Key personnel dependency",
	"Insufficient incident notification",
	"Subcontractor outside the EU",
	"Weak access control on admin interfaces",
	"No right to audit",
	"Vendor lock-in",
	"Financial instability",
	"Unpatched systems",
	"Data location unclear",
	"Backup not tested",
	"Insufficient logging",
	"Shared infrastructure with other customers",
	"No exit plan",
	"Weak encryption at rest",
	"Phishing exposure of supplier staff",
	"Insider threat at the supplier",
	"Late vulnerability disclosure",
	"Capacity shortfall at peak load",
	"Dependency on a single carrier",
	"Physical security gaps",
	"Certification lapsed",
	"Change management not documented",
	"SLA reporting incomplete",
	"Contract renewal at risk",
	"Regulatory change in the supplier's country",
	"Sanctions exposure",
	"Open-source component risk",
	"Key management outside the HSM",
	"Privileged accounts not reviewed",
	"Slow termination assistance",
	"Denial of service exposure",
	"Time source drift",
	"Ransomware at the supplier",
	"Cloud misconfiguration",
	"Insufficient segregation of duties",
	"Test data holds personal data",
	"Undocumented fourth parties",
	"Unclear liability cap",
	"Support only in business hours",
	"Legacy TLS configuration",
	"Single point of failure: DNS",
};
static const char *const sentences[] = {
	"The supplier runs the service from one data center without a tested failover.",
	"Only two engineers at the supplier know the platform well enough to restore it.",
	"The contract does not state how quickly security incidents must be reported.",
	"Part of the processing is subcontracted to a provider outside the EU.",
	"Administrative interfaces are reachable from the internet with passwords only.",
	"The last penetration test is more than eighteen months old.",
	"Patches are applied quarterly, which leaves known vulnerabilities open for weeks.",
	"Backups exist but a full restore has never been tested end to end.",
	"Logs are kept for 30 days, shorter than our retention requirement.",
	"Exit and migration support is not described in the contract.",
	"The supplier's ISO 27001 certificate expires this year and renewal is not confirmed.",
	"Key material is held in software keystores, not in an HSM.",
	"Support outside business hours is best effort only.",
	"The supplier's parent company reported losses for two years in a row.",
	"Changes to production are not always announced in advance.",
	"Staff at the supplier were targeted by a phishing campaign last year.",
	"TLS 1.0 is still enabled on one of the supplier's endpoints.",
	"Fourth parties are not listed in the supplier's documentation.",
};
static const char *const owners[] = {
	"ciso",	    "it-ops",	   "procurement", "dpo", "legal", "Head of Operations",
	"Jane Roe", "risk-office",
};
static const char *const action_texts[] = {
	"Request the SOC 2 Type II report",
	"Add a second region",
	"Negotiate a right-to-audit clause",
	"Review privileged access quarterly",
	"Test a full restore from backup",
	"Agree on an exit plan",
	"Enforce MFA on admin accounts",
	"Ask for the list of subcontractors",
	"Schedule an on-site audit",
	"Agree on 24h incident notification",
	"Move keys into the HSM",
	"Disable TLS 1.0 and 1.1",
};
static const char *const justifications[] = {
	"The cost of mitigation exceeds the expected loss.",
	"Compensating controls are in place; reviewed by the risk committee.",
	"The supplier is being replaced within the year.",
	"Residual risk is within appetite given the service's limited scope.",
};
static const char *const incident_summaries[] = {
	"Outage of the hosting platform for 3 hours after a failed network change.",
	"Phishing e-mail led to one compromised support account; access revoked.",
	"Backup job failed silently for a week; detected during a restore test.",
	"DDoS attack degraded the API for 40 minutes.",
	"A misconfigured storage bucket exposed test logs for two days.",
	"Certificate on the status page expired; customers saw TLS errors.",
	"Ransomware on a workstation at the supplier; no customer data affected.",
	"Power failure in one data hall; failover worked after 20 minutes.",
};

enum { TIER_CRITICAL, TIER_HIGH, TIER_MEDIUM, TIER_LOW };
static const char *const tier_names[] = { "critical", "high", "medium", "low" };
static const char *const clause_names[] = {
	"right-to-audit",	   "incident-notification-24h",
	"subcontracting-approval", "security-requirements",
	"vulnerability-handling",  "data-location",
	"termination-assistance",  "sla-reporting",
};
static const char *const outcomes[] = { "pass", "conditional", "fail" };
static const char *const severities[] = { "low", "medium", "high", "critical" };
static const char *const treatments[] = { "mitigate", "transfer", "avoid", "accept" };
enum { T_NONE = -1, T_ACCEPT = 3 };

struct sla_kind {
	const char *metric, *unit; /* unit may be NULL */
	bool ge, quarterly;
	int places;	 /* decimal places of targets and values */
	long targets[3]; /* scaled by 10^places */
	long lo, hi;	 /* the range of values, scaled */
};
static const struct sla_kind sla_kinds[] = {
	{ "availability", "percent", true, false, 2, { 9990, 9995, 9950 }, 9920, 10000 },
	{ "response-time", "hours", false, true, 1, { 40, 80, 240 }, 5, 300 },
	{ "resolution-time", "hours", false, false, 0, { 24, 48, 72 }, 2, 90 },
	{ "notification-time", "hours", false, true, 0, { 24, 12, 24 }, 1, 36 },
	{ "backup-success", "percent", true, false, 1, { 990, 995, 999 }, 970, 1000 },
	{ "rpo", "minutes", false, false, 0, { 15, 60, 240 }, 5, 300 },
	{ "ticket-backlog", NULL, false, false, 0, { 50, 100, 200 }, 3, 260 },
};

/* --- one supplier ---------------------------------------------------------- */

struct contact {
	char name[96], email[160];
	const char *role;
};
struct measurement {
	int period; /* months (or quarters) since 2024-01 (2024-Q1) */
	long value;
};
struct sla {
	const struct sla_kind *kind;
	long target;
	int n_meas;
	struct measurement meas[3];
};
struct contract {
	char ref[32];
	int32_t start, end, terminated; /* terminated: 0 if not */
	int notice;			/* -1: absent */
	unsigned clauses;
	struct sla sla;
};
struct action {
	const char *text, *owner;
	int32_t due, done;
};
struct risk {
	const char *title, *owner, *justification;
	char description[400];
	int likelihood, impact, treatment, res_likelihood, res_impact, n_actions;
	int32_t review, until;
	struct action actions[2];
};
struct supplier {
	long index;
	char key[65], name[160], domain[64];
	int tier, n_services, n_contacts, n_subs;
	const char *country, *services[3];
	struct contact contacts[2];
	long subs[2];
	struct contract contracts[2];
	bool review, incident;
	int32_t review_date;
	int outcome, severity;
	char findings[700];
	int64_t identified, notified; /* seconds; notified 0 if absent */
	const char *summary;
	struct risk risks[3];
};

/* Lower-case ASCII of a UTF-8 name: Latin letters with diacritics lose
 * them, anything else becomes one '-'. */
static void
slug(char *out, size_t size, const char *in)
{
	static const struct {
		const char *utf8, *ascii;
	} fold[] = {
		{ "ä", "a" }, { "ö", "o" }, { "ü", "u" }, { "ß", "ss" }, { "é", "e" }, { "è", "e" },
		{ "ø", "o" }, { "Ø", "o" }, { "å", "a" }, { "Å", "a" },	 { "ł", "l" }, { "Ł", "l" },
		{ "ó", "o" }, { "Ó", "o" }, { "ñ", "n" }, { "Ñ", "n" },	 { "ç", "c" }, { "Ç", "c" },
		{ "ř", "r" }, { "Ž", "z" }, { "ž", "z" }, { "ź", "z" },	 { "Ü", "u" }, { "ë", "e" },
		{ "á", "a" }, { "í", "i" }, { "É", "e" }, { "à", "a" },	 { "Ö", "o" }, { "Ä", "a" },
		{ "ş", "s" },
	};
	size_t n = 0;
	bool dash = false;
	while (*in && n + 3 < size) {
		unsigned char c = (unsigned char)*in;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
			if (dash && n)
				out[n++] = '-';
			dash = false;
			out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			in++;
			continue;
		}
		size_t k = 0;
		while (k < COUNT(fold) && strncmp(in, fold[k].utf8, strlen(fold[k].utf8)) != 0)
			k++;
		if (k < COUNT(fold)) {
			if (dash && n)
				out[n++] = '-';
			dash = false;
			for (const char *a = fold[k].ascii; *a && n + 1 < size; a++)
				out[n++] = *a;
			in += strlen(fold[k].utf8);
			continue;
		}
		dash = c != '\'';
		in++;
		while (((unsigned char)*in & 0xc0) == 0x80)
			in++;
	}
	out[n] = '\0';
}

/* A supplier's key, name and country: from its own stream, so that
 * others can name it as a subcontractor without generating it. */
static void
identity(struct supplier *s, long index)
{
	struct rng r = rng_for((uint64_t)index, S_NAME);
	const struct country *c = NULL;
	unsigned w = below(&r, 100);
	for (size_t i = 0; i < COUNT(countries) && !c; i++)
		if (w < countries[i].weight)
			c = &countries[i];
		else
			w -= countries[i].weight;
	if (!c)
		c = &countries[0];
	const struct sector *sec = &PICK(&r, sectors);
	const char *form = c->forms[below(&r, 3)];
	if (chance(&r, 15)) {
		snprintf(s->name, sizeof(s->name), "%s", PICK(&r, awkward_names));
	} else {
		const char *p = chance(&r, 80) ? PICK(&r, prefixes_intl) : PICK(&r, prefixes);
		snprintf(s->name, sizeof(s->name), "%s %s %s", p, sec->name, form);
	}
	char sl[160];
	slug(sl, sizeof(sl), s->name);
	int n = snprintf(s->key, sizeof(s->key), "s%06ld%s%s", index, *sl ? "-" : "", sl);
	if (n >= (int)sizeof(s->key)) {
		n = (int)sizeof(s->key) - 1;
		while (s->key[n - 1] == '-')
			s->key[--n] = '\0';
	}
	snprintf(s->domain, sizeof(s->domain), "%.*s.example", (int)(*sl ? strcspn(sl, "-") : 8),
		 *sl ? sl : "supplier");
	s->index = index;
	s->country = chance(&r, 40) ? NULL : c->code;
	/* The services belong to the sector: draw them here, with it. */
	s->n_services = 1 + (int)below(&r, 3);
	unsigned first = below(&r, 4);
	for (int i = 0; i < s->n_services; i++)
		s->services[i] = sec->services[(first + (unsigned)i) % 4];
}

/* Whether supplier index names subcontractors; from a stream of its own. */
static bool
has_subs(long index)
{
	struct rng r = rng_for((uint64_t)index, S_SUBS);
	return chance(&r, 200);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
subcontractors(struct supplier *s, long total)
{
	struct rng r = rng_for((uint64_t)s->index, S_SUBS);
	s->n_subs = 0;
	if (!chance(&r, 200))
		return;
	int want = 1 + (int)below(&r, 2);
	for (int k = 0; k < want; k++) {
		long pick = -1, later = total - s->index - 1;
		if ((s->index == 0 || chance(&r, 60)) && later > 0) {
			/* Forward: only to a supplier that names nobody. */
			for (int tries = 0; tries < 8 && pick < 0; tries++) {
				long c = s->index + 1 + (long)below(&r, (uint32_t)later);
				if (!has_subs(c))
					pick = c;
			}
		} else if (s->index > 0) {
			/* The large providers come first: half the picks go to the
			 * first 1% of the suppliers before this one. */
			long range = chance(&r, 500) ? s->index / 100 + 1 : s->index;
			pick = (long)below(&r, (uint32_t)range);
		}
		if (pick >= 0 && (s->n_subs == 0 || pick != s->subs[0]))
			s->subs[s->n_subs++] = pick;
	}
}

static void
sentence_text(struct rng *r, char *out, size_t size, int min, int max)
{
	int n = min + (int)below(r, (uint32_t)(max - min + 1));
	size_t len = 0;
	unsigned first = below(r, COUNT(sentences));
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : chance(r, 150) ? "\n" : " ";
		int k = snprintf(out + len, size - len, "%s%s", sep,
				 sentences[(first + (unsigned)i * 7) % COUNT(sentences)]);
		if (k < 0 || (size_t)k >= size - len)
			break;
		len += (size_t)k;
	}
}

/* A value that meets the target four times in five. */
static long
measure(struct rng *r, const struct sla *sla)
{
	const struct sla_kind *k = sla->kind;
	bool met = chance(r, 800);
	long lo = k->ge == met ? sla->target : k->lo, hi = k->ge == met ? k->hi : sla->target;
	if (!met) {
		lo += !k->ge;
		hi -= k->ge;
	}
	return lo + (long)below(r, (uint32_t)(hi - lo + 1));
}

static void
contract(struct rng *r, struct supplier *s, int c)
{
	struct contract *k = &s->contracts[c];
	k->start = day_in(r, days_of(2019, 1, 1), LAST_DAY);
	k->end = k->start + 365 * (1 + (int32_t)below(r, 4)) + (int32_t)below(r, 60);
	if (k->end > days_of(2029, 12, 31))
		k->end = days_of(2029, 12, 31);
	int y, m, d;
	civil(k->start, &y, &m, &d);
	snprintf(k->ref, sizeof(k->ref), "C-%d-%06ld", y, s->index * 2 + c + 1);
	static const int notices[] = { 30, 60, 90, 90, 180 };
	k->notice = chance(r, 600) ? PICK(r, notices) : -1;
	k->terminated = 0;
	if (chance(r, 50))
		k->terminated = day_in(r, k->start, k->end < LAST_DAY ? k->end : LAST_DAY);
	k->clauses = 0;
	for (unsigned i = 0; i < COUNT(clause_names); i++)
		if (chance(r, 300))
			k->clauses |= 1u << i;

	struct sla *sla = &k->sla;
	sla->kind = &PICK(r, sla_kinds);
	sla->target = sla->kind->targets[below(r, 3)];
	sla->n_meas = chance(r, 700) ? 1 + (int)below(r, 3) : 0;
	/* Periods in 2024-2025 while the contract ran: months (or quarters)
	 * since 2024-01, first to last. */
	int y2, m2, d2, div = sla->kind->quarterly ? 3 : 1;
	civil(k->terminated ? k->terminated : k->end < LAST_DAY ? k->end : LAST_DAY, &y2, &m2, &d2);
	int first = ((y - 2024) * 12 + m - 1) / div, last = ((y2 - 2024) * 12 + m2 - 1) / div;
	first = first < 0 ? 0 : first;
	last = last > 24 / div - 1 ? 24 / div - 1 : last;
	if (last < first)
		sla->n_meas = 0;
	else if (sla->n_meas > last - first + 1)
		sla->n_meas = last - first + 1;
	for (int i = 0; i < sla->n_meas; i++) {
		int p;
		bool seen;
		do {
			p = first + (int)below(r, (uint32_t)(last - first + 1));
			seen = false;
			for (int j = 0; j < i; j++)
				seen |= sla->meas[j].period == p;
		} while (seen);
		/* In order, so the file reads like a history. */
		int j = i;
		while (j > 0 && sla->meas[j - 1].period > p) {
			sla->meas[j] = sla->meas[j - 1];
			j--;
		}
		sla->meas[j].period = p;
		sla->meas[j].value = measure(r, sla);
	}
}

static void
risk(struct rng *r, struct supplier *s, int i, const unsigned titles[3])
{
	struct risk *k = &s->risks[i];
	k->title = risk_titles[titles[i]];
	k->justification = NULL;
	k->until = 0;
	k->description[0] = '\0';
	if (chance(r, 300))
		sentence_text(r, k->description, sizeof(k->description), 1, 1 + chance(r, 150));
	k->owner = chance(r, 700) ? PICK(r, owners) : NULL;
	k->likelihood = 1 + (int)below(r, 5);
	k->impact = 1 + (int)below(r, 5);
	k->review = chance(r, 400) ? day_in(r, days_of(2024, 1, 1), LAST_DAY) : 0;
	k->treatment = T_NONE;
	k->n_actions = 0;
	if (!chance(r, 300))
		return;
	static const int weights[] = { 0, 0, 0, 0, 0, 1, 1, 2, 3, 3 };
	k->treatment = PICK(r, weights);
	k->res_likelihood = 1 + (int)below(r, (uint32_t)k->likelihood);
	k->res_impact = 1 + (int)below(r, (uint32_t)k->impact);
	k->justification = k->treatment == T_ACCEPT ? PICK(r, justifications) : NULL;
	k->until = k->treatment == T_ACCEPT ? day_in(r, days_of(2025, 1, 1), LAST_DAY) : 0;
	k->n_actions = chance(r, 350) ? 1 + (int)below(r, 2) : 0;
	for (int a = 0; a < k->n_actions; a++) {
		struct action *x = &k->actions[a];
		x->text = action_texts[(below(r, COUNT(action_texts) / 2) * 2 + (unsigned)a) %
				       COUNT(action_texts)];
		x->owner = chance(r, 700) ? PICK(r, owners) : NULL;
		x->due = chance(r, 800) ? day_in(r, days_of(2024, 1, 1), LAST_DAY) : 0;
		x->done = chance(r, 500) ? day_in(r, days_of(2024, 1, 1), LAST_DAY) : 0;
	}
}

static void
generate(struct supplier *s, long index, long total)
{
	identity(s, index);
	subcontractors(s, total);
	struct rng r = rng_for((uint64_t)index, S_BODY);
	int w = (int)below(&r, 100);
	s->tier = w < 5 ? TIER_CRITICAL : w < 20 ? TIER_HIGH : w < 50 ? TIER_MEDIUM : TIER_LOW;

	s->n_contacts = 1 + chance(&r, 250);
	for (int i = 0; i < s->n_contacts; i++) {
		struct contact *c = &s->contacts[i];
		const char *fn = PICK(&r, first_names), *ln = PICK(&r, last_names);
		char a[64], b[64];
		snprintf(c->name, sizeof(c->name), "%s %s", fn, ln);
		slug(a, sizeof(a), fn);
		slug(b, sizeof(b), ln);
		snprintf(c->email, sizeof(c->email), "%.40s.%.40s@%s", a, b, s->domain);
		c->role = chance(&r, 700) ? PICK(&r, roles) : NULL;
	}
	for (int c = 0; c < 2; c++)
		contract(&r, s, c);

	unsigned titles[3];
	for (int i = 0; i < 3; i++) {
		bool seen;
		do {
			titles[i] = below(&r, COUNT(risk_titles));
			seen = false;
			for (int j = 0; j < i; j++)
				seen |= titles[j] == titles[i];
		} while (seen);
	}
	for (int i = 0; i < 3; i++)
		risk(&r, s, i, titles);

	s->review = chance(&r, 300);
	if (s->review) {
		s->review_date = day_in(&r, days_of(2023, 1, 1), LAST_DAY);
		static const int ow[] = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 2 };
		s->outcome = PICK(&r, ow);
		s->findings[0] = '\0';
		if (chance(&r, 750))
			sentence_text(&r, s->findings, sizeof(s->findings), 1, 3);
	}
	s->incident = chance(&r, 100);
	if (s->incident) {
		int64_t day = day_in(&r, days_of(2023, 1, 1), LAST_DAY - 3);
		s->identified = day * 86400 + (int64_t)below(&r, 1440) * 60;
		s->notified =
			chance(&r, 800) ? s->identified + (1 + (int64_t)below(&r, 4320)) * 60 : 0;
		s->severity = (int)below(&r, 4);
		s->summary = PICK(&r, incident_summaries);
	}
}

/* --- output ------------------------------------------------------------------ */

/* A buffered writer: fprintf per field would be the bottleneck. */
struct out {
	FILE *f;
	const char *path;
	size_t len;
	char buf[1 << 16];
};

static void
out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		die("%s: %s", o->path, strerror(errno));
	o->len = 0;
}

static void
putn(struct out *o, const char *s, size_t n)
{
	if (o->len + n > sizeof(o->buf)) {
		out_flush(o);
		if (n > sizeof(o->buf)) {
			if (fwrite(s, 1, n, o->f) != n)
				die("%s: %s", o->path, strerror(errno));
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
put(struct out *o, const char *s)
{
	putn(o, s, strlen(s));
}

static void
put_long(struct out *o, long v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%ld", v);
	putn(o, b, (size_t)n);
}

static void
put_date(struct out *o, int32_t days)
{
	int y, m, d;
	char b[16];
	civil(days, &y, &m, &d);
	b[0] = (char)('0' + y / 1000);
	b[1] = (char)('0' + y / 100 % 10);
	b[2] = (char)('0' + y / 10 % 10);
	b[3] = (char)('0' + y % 10);
	b[4] = '-';
	b[5] = (char)('0' + m / 10);
	b[6] = (char)('0' + m % 10);
	b[7] = '-';
	b[8] = (char)('0' + d / 10);
	b[9] = (char)('0' + d % 10);
	putn(o, b, 10);
}

static void
put_time(struct out *o, int64_t secs)
{
	char b[16];
	int s = (int)(secs % 86400);
	put_date(o, (int32_t)(secs / 86400));
	snprintf(b, sizeof(b), "T%02d:%02d:%02dZ", s / 3600, s / 60 % 60, s % 60);
	putn(o, b, 10);
}

/* A canonical decimal (docs/formats/record.md): no trailing zeros. */
static void
put_decimal(struct out *o, long scaled, int places)
{
	char b[32];
	long div = 1;
	for (int i = 0; i < places; i++)
		div *= 10;
	int n = snprintf(b, sizeof(b), "%ld", scaled / div);
	long frac = scaled % div;
	if (frac) {
		int p = places;
		while (frac % 10 == 0) {
			frac /= 10;
			p--;
		}
		n += snprintf(b + n, sizeof(b) - (size_t)n, ".%0*ld", p, frac);
	}
	putn(o, b, (size_t)n);
}

static void
put_period(struct out *o, const struct sla *s, int p)
{
	char b[16];
	int n = s->kind->quarterly ? snprintf(b, sizeof(b), "%d-Q%d", 2024 + p / 4, p % 4 + 1)
				   : snprintf(b, sizeof(b), "%d-%02d", 2024 + p / 12, p % 12 + 1);
	putn(o, b, (size_t)n);
}

/* Whether a YAML 1.1 reader takes s, written plain, for the string s, in
 * block and flow context alike. Conservative: a letter first, none of the
 * indicators anywhere, and not one of 1.1's booleans or null. */
static bool
plain_ok(const char *s)
{
	static const char *const words[] = { "y",     "n",  "yes", "no",  "true",
					     "false", "on", "off", "null" };
	unsigned char c = (unsigned char)s[0];
	if (c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		return false;
	size_t n = 0;
	for (const char *p = s; *p; p++, n++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || strchr(":#,[]{}\"'\\", *p))
			return false;
	if (s[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < COUNT(words); i++)
		if (strcasecmp(s, words[i]) == 0)
			return false;
	return true;
}

static void
put_scalar(struct out *o, const char *s)
{
	if (plain_ok(s)) {
		put(o, s);
		return;
	}
	putn(o, "\"", 1);
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		putn(o, run, (size_t)(s - run));
		char e[8];
		if (c == '"' || c == '\\')
			snprintf(e, sizeof(e), "\\%c", c);
		else if (c == '\n')
			snprintf(e, sizeof(e), "\\n");
		else
			snprintf(e, sizeof(e), "\\x%02x", c);
		put(o, e);
		run = s + 1;
	}
	putn(o, run, (size_t)(s - run));
	putn(o, "\"", 1);
}

/* "indent" "key: " value "\n" for the kinds of value written. */
static void
field(struct out *o, const char *indent, const char *key)
{
	put(o, indent);
	put(o, key);
	putn(o, ": ", 2);
}

static void
field_str(struct out *o, const char *indent, const char *key, const char *v)
{
	field(o, indent, key);
	put_scalar(o, v);
	putn(o, "\n", 1);
}

static void
field_long(struct out *o, const char *indent, const char *key, long v)
{
	field(o, indent, key);
	put_long(o, v);
	putn(o, "\n", 1);
}

static void
field_date(struct out *o, const char *indent, const char *key, int32_t v)
{
	field(o, indent, key);
	put_date(o, v);
	putn(o, "\n", 1);
}

static void
yaml_contract(struct out *o, const struct contract *k)
{
	field(o, "      - ", "ref");
	put(o, k->ref);
	putn(o, "\n", 1);
	field_date(o, "        ", "start", k->start);
	field_date(o, "        ", "end", k->end);
	if (k->notice >= 0)
		field_long(o, "        ", "notice_days", k->notice);
	if (k->terminated)
		field_date(o, "        ", "terminated", k->terminated);
	if (k->clauses) {
		field(o, "        ", "clauses");
		const char *sep = "[";
		for (unsigned i = 0; i < COUNT(clause_names); i++)
			if (k->clauses & 1u << i) {
				put(o, sep);
				put(o, clause_names[i]);
				sep = ", ";
			}
		put(o, "]\n");
	}
	const struct sla *s = &k->sla;
	put(o, "        slas:\n");
	field_str(o, "          - ", "metric", s->kind->metric);
	field(o, "            ", "target");
	put_decimal(o, s->target, s->kind->places);
	put(o, s->kind->ge ? "\n            comparator: ge\n" : "\n            comparator: le\n");
	if (s->kind->unit)
		field_str(o, "            ", "unit", s->kind->unit);
	field_str(o, "            ", "period", s->kind->quarterly ? "quarter" : "month");
	if (s->n_meas)
		put(o, "            measurements:\n");
	for (int i = 0; i < s->n_meas; i++) {
		put(o, "              - {period: ");
		put_period(o, s, s->meas[i].period);
		put(o, ", value: ");
		put_decimal(o, s->meas[i].value, s->kind->places);
		put(o, "}\n");
	}
}

static void
yaml_risk(struct out *o, const struct risk *k)
{
	field_str(o, "      - ", "title", k->title);
	if (k->description[0])
		field_str(o, "        ", "description", k->description);
	if (k->owner)
		field_str(o, "        ", "owner", k->owner);
	field_long(o, "        ", "likelihood", k->likelihood);
	field_long(o, "        ", "impact", k->impact);
	if (k->review)
		field_date(o, "        ", "review_date", k->review);
	if (k->treatment == T_NONE)
		return;
	field_str(o, "        ", "treatment", treatments[k->treatment]);
	field_long(o, "        ", "residual_likelihood", k->res_likelihood);
	field_long(o, "        ", "residual_impact", k->res_impact);
	if (k->justification)
		field_str(o, "        ", "justification", k->justification);
	if (k->until)
		field_date(o, "        ", "accept_until", k->until);
	if (k->n_actions)
		put(o, "        actions:\n");
	for (int a = 0; a < k->n_actions; a++) {
		const struct action *x = &k->actions[a];
		put(o, "          - {text: ");
		put_scalar(o, x->text);
		if (x->owner) {
			put(o, ", owner: ");
			put_scalar(o, x->owner);
		}
		if (x->due) {
			put(o, ", due: ");
			put_date(o, x->due);
		}
		if (x->done) {
			put(o, ", done: ");
			put_date(o, x->done);
		}
		put(o, "}\n");
	}
}

static void
yaml_supplier(struct out *o, const struct supplier *s)
{
	field_str(o, "  - ", "key", s->key);
	field_str(o, "    ", "name", s->name);
	field_str(o, "    ", "tier", tier_names[s->tier]);
	if (s->country)
		field_str(o, "    ", "country", s->country);
	field(o, "    ", "services");
	for (int i = 0; i < s->n_services; i++) {
		put(o, i ? ", " : "[");
		put_scalar(o, s->services[i]);
	}
	put(o, "]\n    contacts:\n");
	for (int i = 0; i < s->n_contacts; i++) {
		put(o, "      - {name: ");
		put_scalar(o, s->contacts[i].name);
		put(o, ", email: ");
		put_scalar(o, s->contacts[i].email);
		if (s->contacts[i].role) {
			put(o, ", role: ");
			put_scalar(o, s->contacts[i].role);
		}
		put(o, "}\n");
	}
	if (s->n_subs) {
		struct supplier other;
		char keys[2][65];
		const char *sorted[2];
		for (int i = 0; i < s->n_subs; i++) {
			identity(&other, s->subs[i]);
			memcpy(keys[i], other.key, sizeof(keys[i]));
			sorted[i] = keys[i];
		}
		qsort(sorted, (size_t)s->n_subs, sizeof(*sorted), cmp_key);
		field(o, "    ", "subcontractors");
		for (int i = 0; i < s->n_subs; i++) {
			put(o, i ? ", " : "[");
			put(o, sorted[i]);
		}
		put(o, "]\n");
	}
	put(o, "    contracts:\n");
	for (int c = 0; c < 2; c++)
		yaml_contract(o, &s->contracts[c]);
	if (s->review) {
		put(o, "    reviews:\n");
		field_date(o, "      - ", "date", s->review_date);
		field_str(o, "        ", "outcome", outcomes[s->outcome]);
		if (s->findings[0])
			field_str(o, "        ", "findings", s->findings);
	}
	if (s->incident) {
		put(o, "    incidents:\n");
		field(o, "      - ", "identified");
		put_time(o, s->identified);
		if (s->notified) {
			put(o, "\n        notified: ");
			put_time(o, s->notified);
		}
		putn(o, "\n", 1);
		field_str(o, "        ", "severity", severities[s->severity]);
		field_str(o, "        ", "summary", s->summary);
	}
	put(o, "    risks:\n");
	for (int i = 0; i < 3; i++)
		yaml_risk(o, &s->risks[i]);
}

/* --- CSV: the baseline's rows ----------------------------------------------- */

enum {
	T_SUPPLIER,
	T_SERVICE,
	T_CONTACT,
	T_SUBCONTRACTOR,
	T_CONTRACT,
	T_SLA,
	T_MEASUREMENT,
	T_REVIEW,
	T_INCIDENT,
	T_RISK,
	T_ACTION,
	N_TABLES
};
static const char *const table_names[] = {
	"supplier",    "service", "contact",  "subcontractor", "contract",    "sla",
	"measurement", "review",  "incident", "risk",	       "risk_action",
};
/* As the register's schema has them, less the bookkeeping columns (created,
 * updated, recorded); optional integers are ANY, as .import writes an
 * absent value as ''. */
static const char *const table_sql[] = {
	"id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	" tier TEXT NOT NULL CHECK (tier IN ('critical', 'high', 'medium', 'low')),"
	" country TEXT, status TEXT NOT NULL",
	"supplier_id INTEGER NOT NULL REFERENCES supplier (id), pos INTEGER NOT NULL,"
	" name TEXT NOT NULL, PRIMARY KEY (supplier_id, pos), UNIQUE (supplier_id, name)",
	"supplier_id INTEGER NOT NULL REFERENCES supplier (id), pos INTEGER NOT NULL,"
	" name TEXT NOT NULL, email TEXT, role TEXT, PRIMARY KEY (supplier_id, pos)",
	"supplier_id INTEGER NOT NULL REFERENCES supplier (id),"
	" sub_id INTEGER NOT NULL REFERENCES supplier (id), PRIMARY KEY (supplier_id, sub_id),"
	" CHECK (supplier_id <> sub_id)",
	"id INTEGER PRIMARY KEY, supplier_id INTEGER NOT NULL REFERENCES supplier (id),"
	" ref TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, notice_days ANY,"
	" status TEXT NOT NULL, terminated TEXT, clauses INTEGER NOT NULL,"
	" UNIQUE (supplier_id, ref), CHECK (end >= start)",
	"id INTEGER PRIMARY KEY, contract_id INTEGER NOT NULL REFERENCES contract (id),"
	" metric TEXT NOT NULL, target TEXT NOT NULL,"
	" comparator TEXT NOT NULL CHECK (comparator IN ('ge', 'le')), unit TEXT,"
	" period TEXT NOT NULL CHECK (period IN ('month', 'quarter')), UNIQUE (contract_id, "
	"metric)",
	"sla_id INTEGER NOT NULL REFERENCES sla (id), period TEXT NOT NULL, value TEXT NOT NULL,"
	" breach INTEGER NOT NULL CHECK (breach IN (0, 1)), PRIMARY KEY (sla_id, period)",
	"id INTEGER PRIMARY KEY, supplier_id INTEGER NOT NULL REFERENCES supplier (id),"
	" date TEXT NOT NULL, outcome TEXT NOT NULL, findings TEXT, reviewer TEXT NOT NULL",
	"id INTEGER PRIMARY KEY, supplier_id INTEGER NOT NULL REFERENCES supplier (id),"
	" identified TEXT NOT NULL, notified TEXT, severity TEXT NOT NULL, summary TEXT NOT NULL",
	"id INTEGER PRIMARY KEY, supplier_id INTEGER NOT NULL REFERENCES supplier (id),"
	" title TEXT NOT NULL, description TEXT, owner TEXT, likelihood INTEGER NOT NULL,"
	" impact INTEGER NOT NULL, review_date TEXT, status TEXT NOT NULL, treatment TEXT,"
	" residual_likelihood ANY, residual_impact ANY, justification TEXT, accept_until TEXT,"
	" UNIQUE (supplier_id, title)",
	"risk_id INTEGER NOT NULL REFERENCES risk (id), pos INTEGER NOT NULL, text TEXT NOT NULL,"
	" owner TEXT, due TEXT, done TEXT, PRIMARY KEY (risk_id, pos)",
};
/* The register's indexes on the same columns. */
static const char schema_indexes[] = "CREATE INDEX subcontractor_sub ON subcontractor (sub_id);\n"
				     "CREATE INDEX review_supplier ON review (supplier_id, date);\n"
				     "CREATE INDEX incident_supplier ON incident (supplier_id, "
				     "identified);\n";

struct csv {
	struct out *t[N_TABLES];
	long reviews, incidents;
};

static void
csv_str(struct out *o, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n\r")) {
		put(o, s);
		return;
	}
	putn(o, "\"", 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		putn(o, s, (size_t)(q - s + 1));
		putn(o, "\"", 1);
	}
	put(o, s);
	putn(o, "\"", 1);
}

/* One row: fmt letters s (text, NULL empty), l (long), d (date, 0 empty),
 * t (time, 0 empty), f (a decimal: long then places). */
static void
row(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (f != fmt)
			putn(o, ",", 1);
		if (*f == 's') {
			csv_str(o, va_arg(ap, const char *));
		} else if (*f == 'l') {
			put_long(o, va_arg(ap, long));
		} else if (*f == 'd') {
			int32_t d = va_arg(ap, int32_t);
			if (d)
				put_date(o, d);
		} else if (*f == 't') {
			int64_t t = va_arg(ap, int64_t);
			if (t)
				put_time(o, t);
		} else {
			long v = va_arg(ap, long);
			put_decimal(o, v, va_arg(ap, int));
		}
	}
	putn(o, "\n", 1);
	va_end(ap);
}

static void
csv_supplier(struct csv *c, const struct supplier *s)
{
	long id = s->index + 1;
	row(c->t[T_SUPPLIER], "lsssss", id, s->key, s->name, tier_names[s->tier], s->country,
	    "active");
	for (int i = 0; i < s->n_services; i++)
		row(c->t[T_SERVICE], "lls", id, (long)i + 1, s->services[i]);
	for (int i = 0; i < s->n_contacts; i++)
		row(c->t[T_CONTACT], "llsss", id, (long)i + 1, s->contacts[i].name,
		    s->contacts[i].email, s->contacts[i].role);
	for (int i = 0; i < s->n_subs; i++)
		row(c->t[T_SUBCONTRACTOR], "ll", id, s->subs[i] + 1);
	for (int i = 0; i < 2; i++) {
		const struct contract *k = &s->contracts[i];
		const struct sla *a = &k->sla;
		long kid = s->index * 2 + i + 1;
		char notice[16] = "";
		if (k->notice >= 0)
			snprintf(notice, sizeof(notice), "%d", k->notice);
		row(c->t[T_CONTRACT], "llsddssdl", kid, id, k->ref, k->start, k->end, notice,
		    k->terminated ? "terminated" : "active", k->terminated, (long)k->clauses);
		row(c->t[T_SLA], "llsfsss", kid, kid, a->kind->metric, a->target, a->kind->places,
		    a->kind->ge ? "ge" : "le", a->kind->unit,
		    a->kind->quarterly ? "quarter" : "month");
		for (int m = 0; m < a->n_meas; m++) {
			struct out *o = c->t[T_MEASUREMENT];
			long v = a->meas[m].value;
			put_long(o, kid);
			putn(o, ",", 1);
			put_period(o, a, a->meas[m].period);
			putn(o, ",", 1);
			put_decimal(o, v, a->kind->places);
			put(o, (a->kind->ge ? v < a->target : v > a->target) ? ",1\n" : ",0\n");
		}
	}
	if (s->review)
		row(c->t[T_REVIEW], "lldsss", ++c->reviews, id, s->review_date,
		    outcomes[s->outcome], s->findings[0] ? s->findings : NULL, "bench");
	if (s->incident)
		row(c->t[T_INCIDENT], "llttss", ++c->incidents, id, s->identified, s->notified,
		    severities[s->severity], s->summary);
	for (int i = 0; i < 3; i++) {
		const struct risk *k = &s->risks[i];
		long rid = s->index * 3 + i + 1;
		bool t = k->treatment != T_NONE;
		char rl[4] = "", ri[4] = "";
		if (t) {
			snprintf(rl, sizeof(rl), "%d", k->res_likelihood);
			snprintf(ri, sizeof(ri), "%d", k->res_impact);
		}
		row(c->t[T_RISK], "llssslldsssssd", rid, id, k->title,
		    k->description[0] ? k->description : NULL, k->owner, (long)k->likelihood,
		    (long)k->impact, k->review, "open", t ? treatments[k->treatment] : NULL, rl, ri,
		    k->justification, t ? k->until : 0);
		for (int a = 0; a < k->n_actions; a++)
			row(c->t[T_ACTION], "llssdd", rid, (long)a + 1, k->actions[a].text,
			    k->actions[a].owner, k->actions[a].due, k->actions[a].done);
	}
}

static void
csv_open(struct csv *c, const char *dir)
{
	char path[4096];
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/schema.sql", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	for (int t = 0; t < N_TABLES; t++)
		fprintf(f, "CREATE TABLE %s (%s) STRICT;\n", table_names[t], table_sql[t]);
	fputs(schema_indexes, f);
	if (fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
	for (int t = 0; t < N_TABLES; t++) {
		snprintf(path, sizeof(path), "%s/%s.csv", dir, table_names[t]);
		struct out *o = calloc(1, sizeof(*o));
		if (!o || !(o->path = strdup(path)))
			die("out of memory");
		if (!(o->f = fopen(path, "w")))
			die("%s: %s", path, strerror(errno));
		c->t[t] = o;
	}
}

static void
out_close(struct out *o)
{
	out_flush(o);
	if (o->f != stdout ? fclose(o->f) != 0 : fflush(o->f) != 0)
		die("%s: %s", o->path, strerror(errno));
}

static void
csv_close(struct csv *c)
{
	for (int t = 0; t < N_TABLES; t++) {
		out_close(c->t[t]);
		free((char *)c->t[t]->path);
		free(c->t[t]);
	}
}

/* --- main ---------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
		"usage: gen-register --suppliers N [--seed S] [--out FILE|-] [--csv DIR]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "suppliers", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "csv", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long total = -1;
	const char *path = "-", *csv_dir = NULL;
	char *end;
	int opt;
	seed = 1;
	while ((opt = getopt_long(argc, argv, "n:s:o:c:h", opts, NULL)) != -1) {
		if (opt == 'n') {
			errno = 0;
			total = strtol(optarg, &end, 10);
			if (errno || *end || total < 0 || total > 99999999)
				usage();
		} else if (opt == 's') {
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg)
				usage();
		} else if (opt == 'o') {
			path = optarg;
		} else if (opt == 'c') {
			csv_dir = optarg;
		} else {
			usage();
		}
	}
	if (total < 0 || optind != argc)
		usage();

	static struct out yaml;
	yaml.path = strcmp(path, "-") == 0 ? "stdout" : path;
	yaml.f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!yaml.f)
		die("%s: %s", path, strerror(errno));
	struct csv csv = { 0 };
	if (csv_dir)
		csv_open(&csv, csv_dir);

	put(&yaml, total ? "suppliers:\n" : "suppliers: []\n");
	struct supplier s;
	for (long i = 0; i < total; i++) {
		generate(&s, i, total);
		yaml_supplier(&yaml, &s);
		if (csv_dir)
			csv_supplier(&csv, &s);
	}
	out_close(&yaml);
	if (csv_dir)
		csv_close(&csv);
	return 0;
}
