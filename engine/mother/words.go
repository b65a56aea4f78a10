package mother

import (
	"strconv"
	"strings"
	"time"
)

// set is a read-only word list.
type set map[string]bool

func words(s string) set {
	m := set{}
	for w := range strings.FieldsSeq(s) {
		m[w] = true
	}
	return m
}

// The words each intent is recognised by. They are matched against the words of a message
// that are not part of a service name or a time. A few words of German, French and Spanish
// are here for the commonest questions; the model reads the rest. Read-only.
var (
	whyWords = words(`why explain explanation analyse analyze analysis diagnose diagnosis
		cause causes caused causing reason reasons troubleshoot debug rca warum pourquoi porque
		wieso weshalb explique erklär erklaer details detail investigate`)
	// trouble words ask why when a service is named ("what's wrong with x"), and for the
	// overview when none is ("what's broken?").
	troubleWords = words(`wrong broken kaputt`)
	logWords     = words(`log logs logfile journal journalctl tail output lines line protokoll messages
		stderr stdout syslog`)
	historyWords = words(`history failures failure failed fails fail events event timeline incidents
		incident outages outage flapping flaps often times crashed crash crashes died broke hist
		downtime downtimes restarts restarted frequency`)
	changeWords = words(`changed changes change since recent recently new happened happening today
		yesterday overnight tonight week hours hour days minutes`)
	statusWords = words(`status state health healthy up down running ok okay alive failing overview
		summary problems problem issues issue errors check doing dashboard going fine stati stat sts
		fire red green alert alerts alarm alarms firing critical working works functioning available
		reachable online offline dead responding responsive operational unhealthy degraded stuck hung
		unmonitored monitored watched
		läuft laeuft marche funciona estado zustand`)
	helpWords = words(`help commands manual hilfe aide ayuda`)
	// greetings are smalltalk: answered with a short help text.
	greetings = words(`hi hello hey hallo thanks thank thx cheers morning evening bye goodbye
		danke merci gracias bonjour hola`)
	// actionVerbs are the short verbs Mother proposes actions for (see act.Resolve).
	actionVerbs = words(`restart start stop monitor unmonitor`)
	// foreignVerbs are other languages' words for the action verbs: the operator's own words
	// still, read by rules.
	foreignVerbs = map[string]string{"redémarre": "restart", "redemarre": "restart", "redémarrer": "restart",
		"neustarten": "restart", "neustart": "restart", "reinicia": "restart", "reiniciar": "restart",
		"starte": "start", "arrête": "stop", "arrete": "stop", "stoppe": "stop"}
	// pauseVerbs before "monitoring" ask to unmonitor or monitor.
	pauseVerbs = map[string]string{"pause": "unmonitor", "disable": "unmonitor", "suspend": "unmonitor",
		"resume": "monitor", "enable": "monitor", "reenable": "monitor"}
	// monitoringWords after "stop"/"start" turn the verb into unmonitor/monitor.
	monitoringWords = words(`monitoring watching checking`)
	// errorWords with a service ask for its log lines ("web_proxy errors from saturday").
	errorWords = words(`errors error warnings warning exceptions exception fehler erreurs`)
	// pendingWords ask for the proposals waiting for approval.
	pendingWords = words(`pending waiting awaiting approval approvals approve queued queue`)
	// auditWords ask what Mother's actions did.
	auditWords = words(`audit audited executed ran approved rejected`)
	// uptimeWords ask how long a service has been running.
	uptimeWords = words(`uptime uptimes started`)
	// startWords after "when did x" ask since when it runs, unless a failure is named.
	startWords = words(`start boot booted launch launched begin`)
	// cannotWords ask for something Mother never does: it answers what it can do instead.
	cannotWords = words(`kill reboot shutdown poweroff halt rm delete remove wipe format install
		uninstall upgrade reinstall chmod chown sudo mkfs truncate exec execute shell bash drop
		killall pkill terminate nuke purge erase destroy edit modify`)
	// hostWords name the machine itself, whose figures the system check has.
	hostWords = words(`system sys server servers host machine box rechner`)
	// clauseWords start a clause, as punctuation does ("… and restart x").
	clauseWords = words(`and then so but also`)
	// fillers may stand before an action verb at the start of a request.
	fillers = words(`please pls plz kindly can could would will you u go ahead and then i id
		want like to need lets just now mother try quickly so ok okay alright yes yeah sure`)
	// negations before a verb turn a request into something else ("don't restart").
	negations = words(`dont do not never no without`)
	// refer words point back at the previous turn's services.
	referWords = words(`it its that this them they those these same again one`)
	// followWords open a follow-up ("and why?", "what about nginx", "ok restart that one").
	followWords = words(`and also what how ok okay so then now same but`)
	// slotWords often stand right before a service name; an unknown word after one of them
	// is reported as an unknown service.
	slotWords = words(`for of about is are restart start stop monitor unmonitor logs log status check`)
	// nameSlots stand before a service whose name is an ordinary word ("status of failing",
	// "logs for failing"): there the word is the name.
	nameSlots = words(`for of about on restart start stop monitor unmonitor logs log service check
		monitoring`)
	// timeWords are read by the window, never as a piece of a service name.
	timeWords = words(`night nights morning afternoon evening week weeks month today yesterday
		tonight overnight between from until ago hour hours minute minutes day days am pm`)
	// stopWords never name a service by themselves, not even as part of a name.
	stopWords = words(`a an the is are was were be been am do does did done doing have has had
		me my mine i we our us you your it its this that these those there here what whats
		which who whom how hows when where wheres why whys show shows tell give list get see
		display print and or but if then than so to of for from in on at by with about into
		over under all any every everything each some last past latest previous first top
		recent please pls can could would will should shall may might must not no yes
		service services check checks server daemon process program system unit monit
		status state log logs up down ok okay times time since ago go going let lets just
		again same one now right new very much many more most simple terms words plain
		long free full used usage left say says said tell mean means look looks like back away
		miss missed while`)
	// trendWords with a service ask for all of its figures ("trend of rootfs usage").
	trendWords = words(`trend trends usage figures stats statistics metrics graph chart utilization utilisation numbers`)
	// allWords speak of every service.
	allWords = words(`all everything every everyone alle tout todo todos`)
)

// countUnits may follow a number that is a count ("5 failures", "20 lines").
var countUnits = words(`failures failure events event lines line entries entry logs incidents
	errors changes turns`)

// countLead may precede a number that is a count ("last 5").
var countLead = words(`last past latest previous recent top first`)

// numberWords are the counts written out.
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "fifty": 50,
	"hundred": 100,
}

// maxCount bounds a count read from a message; the intents bound it further.
const maxCount = 1000

// number reads a count: digits or a number word.
func number(w string) (int, bool) {
	if n, ok := numberWords[w]; ok {
		return n, true
	}
	if len(w) == 0 || len(w) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(w)
	if err != nil || n <= 0 {
		return 0, false
	}
	return min(n, maxCount), true
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

var spanUnits = map[string]time.Duration{
	"minute": time.Minute, "minutes": time.Minute, "min": time.Minute, "mins": time.Minute,
	"hour": time.Hour, "hours": time.Hour, "hr": time.Hour, "hrs": time.Hour, "h": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour, "d": 24 * time.Hour,
	"week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

// maxSpan bounds a span read from a message.
const maxSpan = 366 * 24 * time.Hour

// spanAt reads a span starting at word i: "24 hours", "3 days", "24h", or a unit alone after
// last/past/this ("last hour", "this week"). n is how many words it took from i.
func spanAt(ts []token, i int) (d time.Duration, n int, ok bool) {
	w := ts[i].text
	if u, ok := spanUnits[w]; ok && len(w) > 1 && i > 0 && (countLead[ts[i-1].text] || ts[i-1].text == "this") {
		return u, 1, true
	}
	if n, ok := number(w); ok && i+1 < len(ts) {
		if u, ok := spanUnits[ts[i+1].text]; ok {
			return min(time.Duration(n)*u, maxSpan), 2, true
		}
	}
	if len(w) >= 2 {
		if u, ok := spanUnits[w[len(w)-1:]]; ok {
			if n, ok := number(w[:len(w)-1]); ok {
				return min(time.Duration(n)*u, maxSpan), 1, true
			}
		}
	}
	return 0, 0, false
}

// readCount finds a count: a number after last/past/top ("last 5") or before a countable
// word ("20 lines"). A number followed by a time unit is a span, not a count.
func readCount(ts []token) int {
	for i, t := range ts {
		n, ok := number(t.text)
		if !ok {
			continue
		}
		if i+1 < len(ts) && spanUnits[ts[i+1].text] != 0 {
			continue
		}
		if (i > 0 && countLead[ts[i-1].text]) || (i+1 < len(ts) && countUnits[ts[i+1].text]) {
			return n
		}
	}
	return 0
}

// known is every word of the lists above: one lookup for vocabulary, which runs for every
// word of a message and every known service name. Read-only.
var known = union(stopWords, whyWords, troubleWords, logWords, historyWords, changeWords,
	statusWords, helpWords, greetings, actionVerbs, fillers, negations, referWords, countUnits,
	pendingWords, auditWords, uptimeWords, cannotWords, timeWords, monitoringWords, hostWords, errorWords,
	trendWords)

func union(sets ...set) set {
	out := set{}
	for _, s := range sets {
		for w := range s {
			out[w] = true
		}
	}
	return out
}

// vocabulary reports whether w is a word Mother understands by itself: such a word is never
// read as a typo or a piece of a service name.
func vocabulary(w string) bool {
	if known[w] {
		return true
	}
	if _, fig := figureWords[w]; fig {
		return true
	}
	_, num := number(w)
	_, day := weekdayWord(w)
	return num || day
}
