/* Prompt templates, topics and word counts of ASCII texts, and the usual template-table update, in C.
 *
 * The same values as the Python functions in features.py (template_of, topic_of, word_count),
 * which stay the reference: tests/signals/test_native.py compares the two on fuzzed and
 * generated texts. Only ASCII texts without a ``` code fence are handled here; for any other
 * text the list functions return None at its place and the caller computes it in Python.
 *
 * Each step below says which Python expression it reproduces. The regular expressions are
 * matched by hand, following what Python's backtracking engine does on ASCII input:
 *   \s  = space \t \n \v \f \r and \x1c-\x1f (str.isspace, str.split)
 *   \w  = [A-Za-z0-9_]
 * Building is optional: without a C compiler the package runs the Python functions.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <string.h>

/* Set by configure() from features.py, which owns these values: the clipping sizes and the topic
 * start words. */
static Py_ssize_t head_chars = -1, tail_chars = -1;

typedef struct {
    char *data;
    Py_ssize_t len;
    Py_ssize_t cap;
} buf_t;

static int buf_init(buf_t *b, Py_ssize_t cap) {
    b->data = PyMem_Malloc(cap > 0 ? cap : 1);
    b->len = 0;
    b->cap = cap > 0 ? cap : 1;
    if (b->data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void buf_free(buf_t *b) {
    PyMem_Free(b->data);
    b->data = NULL;
}

static int buf_put(buf_t *b, const char *s, Py_ssize_t n) {
    if (b->len + n > b->cap) {
        Py_ssize_t cap = (b->len + n) * 2;
        char *grown = PyMem_Realloc(b->data, cap);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

static inline int is_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}
static inline int is_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
static inline int is_word(unsigned char c) { return is_alnum(c) || c == '_'; }
static inline int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }

static unsigned char lower_table[256];

/* features._clip: the head and tail of a long text, lower-cased. */
static int clip_lower(const char *s, Py_ssize_t n, buf_t *out) {
    if (buf_init(out, n + 8) < 0)
        return -1;
    const char *parts[3];
    Py_ssize_t sizes[3];
    int count;
    if (n <= head_chars + tail_chars) {
        parts[0] = s; sizes[0] = n; count = 1;
    } else {
        parts[0] = s; sizes[0] = head_chars;
        parts[1] = " ... "; sizes[1] = 5;
        parts[2] = s + n - tail_chars; sizes[2] = tail_chars;
        count = 3;
    }
    for (int p = 0; p < count; p++) {
        for (Py_ssize_t i = 0; i < sizes[p]; i++) {
            out->data[out->len++] = (char)lower_table[(unsigned char)parts[p][i]];
        }
    }
    return 0;
}

/* _URL.sub("<url>", t) with _URL = https?://\S+ */
static int blank_urls(const buf_t *in, buf_t *out) {
    const char *t = in->data;
    Py_ssize_t n = in->len, i = 0, copied = 0;
    if (buf_init(out, n + 16) < 0)
        return -1;
    while (i + 4 <= n) {
        if (t[i] == 'h' && memcmp(t + i, "http", 4) == 0) {
            Py_ssize_t j = i + 4;
            if (j < n && t[j] == 's' && j + 4 <= n && memcmp(t + j + 1, "://", 3) == 0)
                j += 1;
            if (j + 3 < n && memcmp(t + j, "://", 3) == 0 && !is_space((unsigned char)t[j + 3])) {
                Py_ssize_t k = j + 3;
                while (k < n && !is_space((unsigned char)t[k]))
                    k++;
                if (buf_put(out, t + copied, i - copied) < 0 || buf_put(out, "<url>", 5) < 0)
                    return -1;
                copied = i = k;
                continue;
            }
        }
        i++;
    }
    return buf_put(out, t + copied, n - copied);
}

static inline int email_local(unsigned char c) { return is_word(c) || c == '.' || c == '%' || c == '+' || c == '-'; }
static inline int email_domain(unsigned char c) { return is_word(c) || c == '.' || c == '-'; }

/* _EMAIL.sub("<email>", t) with _EMAIL = [\w.%+\-]+@[\w.\-]+\.[a-z]{2,}
 * '@' is in neither class, so a match holds exactly one '@': its local part is the run of local
 * characters before it (from where the search stands), and the domain part backtracks from the
 * longest run of domain characters to the last '.' followed by two or more [a-z]. */
static int blank_emails(const buf_t *in, buf_t *out) {
    const char *t = in->data;
    Py_ssize_t n = in->len, pos = 0, copied = 0;
    if (buf_init(out, n + n / 4 + 16) < 0)
        return -1;
    for (Py_ssize_t q = 0; q < n; q++) {
        if (t[q] != '@')
            continue;
        Py_ssize_t s = q;
        while (s > pos && email_local((unsigned char)t[s - 1]))
            s--;
        if (s == q)
            continue;
        Py_ssize_t a = q + 1, m = 0;
        while (a + m < n && email_domain((unsigned char)t[a + m]))
            m++;
        Py_ssize_t end = -1;
        for (Py_ssize_t k = m - 1; k >= 1; k--) {
            if (t[a + k] != '.')
                continue;
            Py_ssize_t c = 0;
            while (a + k + 1 + c < n && is_lower((unsigned char)t[a + k + 1 + c]))
                c++;
            if (c >= 2) {
                end = a + k + 1 + c;
                break;
            }
        }
        if (end < 0)
            continue;
        if (buf_put(out, t + copied, s - copied) < 0 || buf_put(out, "<email>", 7) < 0)
            return -1;
        copied = pos = end;
        q = end - 1;
    }
    return buf_put(out, t + copied, n - copied);
}

/* _QUOTED.sub('"_"', t) on ASCII text (features._quotes picks this or _DOUBLE, the same on it):
 *   "[^"\n]{1,400}"  |  (?<![\w'])'[^'\n]{2,400}'(?![\w'])
 * The run inside the quotes can't hold the closing quote, so only its full length can match. */
static int blank_quotes(const buf_t *in, buf_t *out) {
    const char *t = in->data;
    Py_ssize_t n = in->len, i = 0, copied = 0;
    if (buf_init(out, n + 16) < 0)
        return -1;
    while (i < n) {
        char q = t[i];
        if (q == '"' || (q == '\'' && (i == 0 || !(is_word((unsigned char)t[i - 1]) || t[i - 1] == '\'')))) {
            Py_ssize_t least = q == '"' ? 1 : 2, r = 0;
            while (i + 1 + r < n && t[i + 1 + r] != q && t[i + 1 + r] != '\n' && r <= 400)
                r++;
            Py_ssize_t end = i + 2 + r;
            if (r >= least && r <= 400 && i + 1 + r < n && t[i + 1 + r] == q
                && (q == '"' || end >= n || !(is_word((unsigned char)t[end]) || t[end] == '\''))) {
                if (buf_put(out, t + copied, i - copied) < 0 || buf_put(out, "\"_\"", 3) < 0)
                    return -1;
                copied = i = end;
                continue;
            }
        }
        i++;
    }
    return buf_put(out, t + copied, n - copied);
}

#define MAX_TOPIC_STARTS 32
#define MAX_TOPIC_START_LEN 64
static char topic_starts[MAX_TOPIC_STARTS][MAX_TOPIC_START_LEN];
static Py_ssize_t topic_len[MAX_TOPIC_STARTS];
static unsigned int topic_first[256]; /* per character: the start words that begin with it (bits) */
static unsigned int start_mask[256];  /* per character: 0 after a letter or digit (no start word there), else ~0 */

static inline int topic_char(unsigned char c) {
    return !(c == '.' || c == ',' || c == ';' || c == ':' || c == '?' || c == '!' || c == '\n' || c == '"' || c == '(');
}

typedef struct {
    Py_ssize_t start, end;
} span_t;

static int span_cmp(const void *x, const void *y) {
    const span_t *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return 0;
}

static Py_ssize_t find(const char *t, Py_ssize_t n, Py_ssize_t from, const char *word, Py_ssize_t w) {
    if (from > n - w)
        return -1;
    const char *at = t + from, *stop = t + n - w;
    while (at <= stop) {
        const char *hit = memchr(at, word[0], stop - at + 1);
        if (hit == NULL)
            return -1;
        if (memcmp(hit, word, w) == 0)
            return hit - t;
        at = hit + 1;
    }
    return -1;
}

/* features._topic_spans: every start word (not after a letter or digit) followed by
 * _TOPIC_VALUE = \s*([^.,;:?!\n"“(]{1,80}) whose value is not blank; sorted, overlaps dropped.
 * When the first character after the white space can't start a value, the engine backtracks
 * into the white space and the value is blank, so it is skipped as in Python. Python finds each
 * word with str.find, skipping past each occurrence; features.py configures only words that don't
 * overlap themselves (no proper prefix is also a suffix), so that is every occurrence, found here
 * in one pass. Returns the
 * number of spans (into *spans, which the caller frees) or -1. */
static Py_ssize_t topic_spans(const char *t, Py_ssize_t n, span_t **spans_out) {
    Py_ssize_t count = 0, cap = 8;
    span_t *spans = PyMem_Malloc(cap * sizeof(span_t));
    if (spans == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    unsigned int may_start = ~0u; /* ~0u unless the previous character is a letter or digit */
    for (Py_ssize_t pos = 0; pos < n; pos++) {
        unsigned char c = (unsigned char)t[pos];
        unsigned int mask = topic_first[c] & may_start; /* a table and a mask: one branch per character */
        may_start = start_mask[c];
        if (mask == 0)
            continue;
        for (size_t k = 0; mask != 0; k++, mask >>= 1) {
            if (!(mask & 1u))
                continue;
            Py_ssize_t w = topic_len[k];
            if (pos + w > n || (w > 1 && t[pos + 1] != topic_starts[k][1]) || memcmp(t + pos, topic_starts[k], w) != 0)
                continue;
            Py_ssize_t v = pos + w;
            while (v < n && is_space((unsigned char)t[v]))
                v++;
            if (v >= n || !topic_char((unsigned char)t[v]))
                continue;
            Py_ssize_t e = v;
            while (e < n && e - v < 80 && topic_char((unsigned char)t[e]))
                e++;
            if (count == cap) {
                cap *= 2;
                span_t *grown = PyMem_Realloc(spans, cap * sizeof(span_t));
                if (grown == NULL) {
                    PyMem_Free(spans);
                    PyErr_NoMemory();
                    return -1;
                }
                spans = grown;
            }
            spans[count].start = v;
            spans[count].end = e;
            count++;
        }
    }
    qsort(spans, count, sizeof(span_t), span_cmp);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (kept && spans[i].start < spans[kept - 1].end)
            continue;
        spans[kept++] = spans[i];
    }
    *spans_out = spans;
    return kept;
}

static int blank_topics(const buf_t *in, buf_t *out) {
    span_t *spans = NULL;
    Py_ssize_t count = topic_spans(in->data, in->len, &spans);
    if (count < 0)
        return -1;
    int rc = buf_init(out, in->len + 7 * count + 16);
    Py_ssize_t last = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < count; i++) {
        rc = buf_put(out, in->data + last, spans[i].start - last);
        if (rc == 0)
            rc = buf_put(out, "<topic>", 7);
        last = spans[i].end;
    }
    if (rc == 0)
        rc = buf_put(out, in->data + last, in->len - last);
    PyMem_Free(spans);
    return rc;
}

/* " ".join(_numbers(t).split()): every run of digits becomes one 0, white-space runs one space,
 * no space at either end. Written into out (which must hold at least len bytes). */
static unsigned char squeeze_class[256]; /* 0 any other character, 1 white space, 2 digit */
static unsigned char squeeze_char[256];  /* what each character becomes: ' ', '0', or itself */

static void squeeze_tables(void) {
    for (int c = 0; c < 256; c++) {
        squeeze_class[c] = is_space((unsigned char)c) ? 1 : is_digit((unsigned char)c) ? 2 : 0;
        squeeze_char[c] = squeeze_class[c] == 1 ? ' ' : squeeze_class[c] == 2 ? '0' : (unsigned char)c;
    }
}

static Py_ssize_t squeeze(const char *t, Py_ssize_t n, char *out) {
    /* Without a branch per character: every character is written at `len`, which moves on unless it
     * continues a run of white space or digits (a run at the start counts as following white space);
     * a space left at the end is dropped. `out` may be `t`: len never passes i. */
    Py_ssize_t len = 0;
    unsigned char previous = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i], k = squeeze_class[c];
        out[len] = (char)squeeze_char[c];
        len += (k == 0) | (k != previous);
        previous = k;
    }
    if (len > 0 && out[len - 1] == ' ')
        len--;
    return len;
}

/* 1 when the text is one this module handles (ASCII, no ``` fence), 0 if not, -1 on error. */
static int handled(PyObject *text, const char **data, Py_ssize_t *n) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return -1;
    }
    if (!PyUnicode_IS_ASCII(text))
        return 0;
    *data = (const char *)PyUnicode_DATA(text);
    *n = PyUnicode_GET_LENGTH(text);
    if (*n >= 3 && find(*data, *n, 0, "```", 3) >= 0)
        return 0;
    return 1;
}

/* features.template_of for a handled text. */
static PyObject *template_of(const char *s, Py_ssize_t n) {
    if (n == 0)
        return PyUnicode_FromStringAndSize("", 0);
    buf_t a, b;
    PyObject *result = NULL;
    if (clip_lower(s, n, &a) < 0)
        return NULL;
    /* each step reads one buffer and fills the other */
    if (memchr(a.data, ':', a.len) != NULL) {
        if (blank_urls(&a, &b) < 0)
            goto fail_ab;
        buf_free(&a);
        a = b;
    }
    if (memchr(a.data, '@', a.len) != NULL) {
        if (blank_emails(&a, &b) < 0)
            goto fail_ab;
        buf_free(&a);
        a = b;
    }
    if (memchr(a.data, '"', a.len) != NULL || memchr(a.data, '\'', a.len) != NULL) {
        if (blank_quotes(&a, &b) < 0)
            goto fail_ab;
        buf_free(&a);
        a = b;
    }
    if (blank_topics(&a, &b) < 0)
        goto fail_ab;
    buf_free(&a);
    a = b;
    a.len = squeeze(a.data, a.len, a.data);
    result = PyUnicode_DecodeASCII(a.data, a.len, NULL);
    buf_free(&a);
    return result;
fail_ab:
    buf_free(&a);
    return NULL;
}

/* features.topic_of for a handled text (Py_None when it has no topic). */
static PyObject *topic_of(const char *s, Py_ssize_t n) {
    if (n == 0)
        Py_RETURN_NONE;
    buf_t a;
    if (clip_lower(s, n, &a) < 0)
        return NULL;
    span_t *spans = NULL;
    Py_ssize_t count = topic_spans(a.data, a.len, &spans);
    PyObject *result = NULL;
    if (count > 0) {
        Py_ssize_t len = squeeze(a.data + spans[0].start, spans[0].end - spans[0].start, a.data);
        if (len > 0)
            result = PyUnicode_DecodeASCII(a.data, len, NULL);
        else
            result = Py_NewRef(Py_None);
    } else if (count == 0) {
        result = Py_NewRef(Py_None);
    }
    PyMem_Free(spans);
    buf_free(&a);
    return result;
}

/* configure(topic_starts, head_chars, tail_chars): the values features.py owns. The caller checks
 * what topic_spans assumes of the words (lower-case, none overlapping itself). */
static PyObject *py_configure(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *words;
    Py_ssize_t head, tail;
    if (!PyArg_ParseTuple(args, "O!nn", &PyTuple_Type, &words, &head, &tail))
        return NULL;
    Py_ssize_t count = PyTuple_GET_SIZE(words);
    if (head < 0 || tail < 0 || count > MAX_TOPIC_STARTS) {
        PyErr_SetString(PyExc_ValueError, "configure: negative clipping size or too many topic start words");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *word = PyTuple_GET_ITEM(words, k);
        if (!PyUnicode_Check(word) || !PyUnicode_IS_ASCII(word) || PyUnicode_GET_LENGTH(word) == 0
            || PyUnicode_GET_LENGTH(word) >= MAX_TOPIC_START_LEN) {
            PyErr_SetString(PyExc_ValueError, "configure: topic start words must be non-empty ASCII str of under 64 characters");
            return NULL;
        }
    }
    memset(topic_first, 0, sizeof(topic_first));
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *word = PyTuple_GET_ITEM(words, k);
        topic_len[k] = PyUnicode_GET_LENGTH(word);
        memcpy(topic_starts[k], PyUnicode_DATA(word), topic_len[k]);
        topic_first[(unsigned char)topic_starts[k][0]] |= 1u << k;
    }
    head_chars = head;
    tail_chars = tail;
    Py_RETURN_NONE;
}

typedef PyObject *(*text_fn)(const char *, Py_ssize_t);

/* [fn(t) for each handled text, `unhandled` for the others] */
static PyObject *map_texts(PyObject *texts, text_fn fn, PyObject *unhandled) {
    if (head_chars < 0) {
        PyErr_SetString(PyExc_RuntimeError, "compliance.signals._native: configure() was not called");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(texts, "expected a list of str");
    if (seq == NULL)
        return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(count);
    if (out == NULL) {
        Py_DECREF(seq);
        return NULL;
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < count; i++) {
        const char *data = NULL;
        Py_ssize_t n = 0;
        int ok = handled(items[i], &data, &n);
        PyObject *value = ok < 0 ? NULL : ok ? fn(data, n) : Py_NewRef(unhandled);
        if (value == NULL) {
            Py_DECREF(out);
            Py_DECREF(seq);
            return NULL;
        }
        PyList_SET_ITEM(out, i, value);
    }
    Py_DECREF(seq);
    return out;
}

static PyObject *py_templates(PyObject *self, PyObject *texts) {
    (void)self;
    return map_texts(texts, template_of, Py_None);
}

/* A text without a topic gives None, so texts left to Python are marked with False. */
static PyObject *py_topics(PyObject *self, PyObject *texts) {
    (void)self;
    return map_texts(texts, topic_of, Py_False);
}

/* len(text.split()) for an ASCII text; -1 for any other (the caller splits it). */
static PyObject *py_word_count(PyObject *self, PyObject *text) {
    (void)self;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(text))
        return PyLong_FromLong(-1);
    const unsigned char *t = (const unsigned char *)PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), words = 0;
    unsigned char after_space = 1;
    for (Py_ssize_t i = 0; i < n; i++) { /* a word starts at a non-space after a space (or at the start) */
        unsigned char space = squeeze_class[t[i]] == 1;
        words += after_space & !space;
        after_space = space;
    }
    return PyLong_FromSsize_t(words);
}

/* --- template tables (accumulate.py: TemplateTable.add_many) ---------------------------------
 *
 * blocks(t): (" ".join(t.split(" ", 4)[:4]), " ".join(t.rsplit(" ", 4)[-4:])), that is the text
 * before its fourth space and the text after its fourth space from the end (t itself with fewer). */
static int blocks_of(PyObject *t, PyObject **first, PyObject **last) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(t);
    int kind = PyUnicode_KIND(t);
    const void *data = PyUnicode_DATA(t);
    Py_ssize_t head = n, tail = 0;
    int seen = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (PyUnicode_READ(kind, data, i) == ' ' && ++seen == 4) {
            head = i;
            break;
        }
    seen = 0;
    for (Py_ssize_t i = n - 1; i >= 0; i--)
        if (PyUnicode_READ(kind, data, i) == ' ' && ++seen == 4) {
            tail = i + 1;
            break;
        }
    *first = PyUnicode_Substring(t, 0, head);
    if (*first == NULL)
        return -1;
    *last = PyUnicode_Substring(t, tail, n);
    if (*last == NULL) {
        Py_CLEAR(*first);
        return -1;
    }
    return 0;
}

static PyObject *py_blocks(PyObject *self, PyObject *t) {
    (void)self;
    if (!PyUnicode_Check(t)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return NULL;
    }
    PyObject *first, *last;
    if (blocks_of(t, &first, &last) < 0)
        return NULL;
    PyObject *out = PyTuple_Pack(2, first, last);
    Py_DECREF(first);
    Py_DECREF(last);
    return out;
}

static int bump(PyObject *counts, PyObject *key, PyObject *old, PyObject *by) {
    PyObject *one = by != NULL ? Py_NewRef(by) : PyLong_FromLong(1);
    if (one == NULL)
        return -1;
    PyObject *sum = PyNumber_Add(old, one);
    Py_DECREF(one);
    if (sum == NULL)
        return -1;
    int rc = PyDict_SetItem(counts, key, sum);
    Py_DECREF(sum);
    return rc;
}

/* table_add(counts, alias, by_block, templates, start, cap, block_cap, ns=None) -> index
 *
 * TemplateTable.add(t) (add(t, ns[i]) with ns) for templates[start:], in order, for as long as that takes none of the
 * Python-only steps: a fuzzy comparison (an unseen template sharing a block with a kept one), an
 * eviction (the table is full) or a non-str template. Returns the index of the first template
 * left to Python (len(templates) when all were added); the caller adds it with TemplateTable.add
 * and calls again from the next one. */
static PyObject *py_table_add(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *counts, *alias, *by_block, *templates, *ns = Py_None;
    Py_ssize_t start, cap, block_cap;
    if (!PyArg_ParseTuple(args, "O!O!O!O!nnn|O", &PyDict_Type, &counts, &PyDict_Type, &alias, &PyDict_Type, &by_block,
                          &PyList_Type, &templates, &start, &cap, &block_cap, &ns))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(templates), i;
    if (ns != Py_None && (!PyList_Check(ns) || PyList_GET_SIZE(ns) != n)) {
        PyErr_SetString(PyExc_TypeError, "table_add: ns must be a list as long as templates");
        return NULL;
    }
    for (i = start < 0 ? 0 : start; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(templates, i);
        PyObject *by = ns == Py_None ? NULL : PyList_GET_ITEM(ns, i); /* add(t, n): n records (merges) */
        if (!PyUnicode_CheckExact(t) || (by != NULL && !PyLong_CheckExact(by)))
            break;
        PyObject *count = PyDict_GetItemWithError(counts, t);
        if (count != NULL) {
            if (bump(counts, t, count, by) < 0)
                return NULL;
            continue;
        }
        if (PyErr_Occurred())
            return NULL;
        PyObject *entry = PyDict_GetItemWithError(alias, t);
        if (entry != NULL) {
            Py_INCREF(entry);
            count = PyDict_GetItemWithError(counts, entry);
            int rc = count == NULL ? -1 : bump(counts, entry, count, by);
            if (count == NULL && !PyErr_Occurred())
                PyErr_SetObject(PyExc_KeyError, entry); /* counts[entry] += 1 with no such entry */
            Py_DECREF(entry);
            if (rc < 0)
                return NULL;
            continue;
        }
        if (PyErr_Occurred())
            return NULL;
        if (PyDict_GET_SIZE(counts) >= cap)
            break;
        PyObject *first, *last;
        if (blocks_of(t, &first, &last) < 0)
            return NULL;
        int shared = PyDict_Contains(by_block, first);
        if (shared == 0)
            shared = PyDict_Contains(by_block, last);
        if (shared != 0) {
            Py_DECREF(first);
            Py_DECREF(last);
            if (shared < 0)
                return NULL;
            break;
        }
        PyObject *one = by != NULL ? Py_NewRef(by) : PyLong_FromLong(1);
        int rc = one == NULL ? -1 : PyDict_SetItem(counts, t, one);
        Py_XDECREF(one);
        PyObject *block_keys[2] = {first, last};
        for (int k = 0; k < 2 && rc == 0; k++) { /* both, as Python does, even when they are equal */
            PyObject *kept = PyDict_GetItemWithError(by_block, block_keys[k]);
            if (kept == NULL) {
                if (PyErr_Occurred()) {
                    rc = -1;
                    break;
                }
                kept = PyList_New(0);
                if (kept == NULL || PyDict_SetItem(by_block, block_keys[k], kept) < 0) {
                    Py_XDECREF(kept);
                    rc = -1;
                    break;
                }
                Py_DECREF(kept); /* by_block holds it */
            }
            if (!PyList_Check(kept)) {
                PyErr_SetString(PyExc_TypeError, "by_block values must be lists");
                rc = -1;
            } else if (PyList_GET_SIZE(kept) < block_cap)
                rc = PyList_Append(kept, t);
        }
        Py_DECREF(first);
        Py_DECREF(last);
        if (rc < 0)
            return NULL;
    }
    return PyLong_FromSsize_t(i);
}

/* similar(template, first, last, by_block, ratio, cutoff) -> the kept template it counts for, or None
 *
 * TemplateTable._similar: the templates kept under the first, then the last block, each once, that
 * are not too different in length to reach the cutoff, until ratio(template, kept, score_cutoff=cutoff)
 * (rapidfuzz's, called as it is) is true. */
static PyObject *py_similar(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 6 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[3]) || !PyFloat_Check(args[5])) {
        PyErr_SetString(PyExc_TypeError, "similar(template, first, last, by_block: dict, ratio, cutoff: float)");
        return NULL;
    }
    static PyObject *kwnames = NULL;
    if (kwnames == NULL && (kwnames = Py_BuildValue("(s)", "score_cutoff")) == NULL)
        return NULL;
    PyObject *template = args[0], *by_block = args[3], *ratio = args[4], *cutoff = args[5];
    PyObject *lists[2];
    for (int k = 0; k < 2; k++) {
        lists[k] = PyDict_GetItemWithError(by_block, args[1 + k]);
        if (lists[k] == NULL && PyErr_Occurred())
            return NULL;
    }
    if (lists[0] == NULL && lists[1] == NULL)
        Py_RETURN_NONE; /* the usual case for varied traffic: nothing to compare with */
    double slack = 100.0 - PyFloat_AS_DOUBLE(cutoff);
    Py_ssize_t n = PyUnicode_GET_LENGTH(template);
    PyObject *seen = PySet_New(NULL), *found = NULL;
    if (seen == NULL)
        return NULL;
    for (int k = 0; k < 2 && found == NULL; k++) {
        if (lists[k] == NULL)
            continue;
        PyObject *reps = PySequence_Fast(lists[k], "by_block values must be lists");
        if (reps == NULL)
            goto fail;
        for (Py_ssize_t j = 0; j < PySequence_Fast_GET_SIZE(reps); j++) {
            PyObject *rep = PySequence_Fast_GET_ITEM(reps, j);
            int known = PySet_Contains(seen, rep);
            if (known < 0 || (!known && PySet_Add(seen, rep) < 0)) {
                Py_DECREF(reps);
                goto fail;
            }
            if (known)
                continue;
            Py_ssize_t m = PyObject_Length(rep);
            if (m < 0) {
                Py_DECREF(reps);
                goto fail;
            }
            /* ratio = 100 * (1 - indel / (n + m)) and indel >= |n - m|: too large a gap can't reach the cutoff */
            if ((double)((n > m ? n - m : m - n) * 100) > slack * (double)(n + m))
                continue;
            PyObject *call[3] = {template, rep, cutoff};
            PyObject *score = PyObject_Vectorcall(ratio, call, 2, kwnames);
            int hit = score == NULL ? -1 : PyObject_IsTrue(score);
            Py_XDECREF(score);
            if (hit < 0) {
                Py_DECREF(reps);
                goto fail;
            }
            if (hit) {
                found = Py_NewRef(rep);
                break;
            }
        }
        Py_DECREF(reps);
    }
    Py_DECREF(seen);
    return found != NULL ? found : Py_NewRef(Py_None);
fail:
    Py_DECREF(seen);
    return NULL;
}

/* table_evict(counts, alias, by_block) -> None | (alias, by_block, evicted)
 *
 * TemplateTable._evict: the templates counted once leave counts; the new alias dict keeps the
 * aliases of the others and the new by_block dict the blocks that keep a template (both in their
 * old order). None when no template was counted once (nothing changes). */
static PyObject *py_table_evict(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *counts, *alias, *by_block;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyDict_Type, &counts, &PyDict_Type, &alias, &PyDict_Type, &by_block))
        return NULL;
    PyObject *one = PyLong_FromLong(1), *gone = PySet_New(NULL), *new_alias = NULL, *new_blocks = NULL, *result = NULL;
    if (one == NULL || gone == NULL)
        goto done;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(counts, &pos, &key, &value)) {
        int is_one = PyObject_RichCompareBool(value, one, Py_EQ);
        if (is_one < 0 || (is_one && PySet_Add(gone, key) < 0))
            goto done;
    }
    Py_ssize_t evicted = PySet_GET_SIZE(gone);
    if (evicted == 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    pos = 0;
    PyObject *it = PyObject_GetIter(gone);
    if (it == NULL)
        goto done;
    while ((key = PyIter_Next(it)) != NULL) {
        int rc = PyDict_DelItem(counts, key);
        Py_DECREF(key);
        if (rc < 0) {
            Py_DECREF(it);
            goto done;
        }
    }
    Py_DECREF(it);
    if (PyErr_Occurred() || (new_alias = PyDict_New()) == NULL || (new_blocks = PyDict_New()) == NULL)
        goto done;
    pos = 0;
    while (PyDict_Next(alias, &pos, &key, &value)) {
        int out = PySet_Contains(gone, value);
        if (out < 0 || (!out && PyDict_SetItem(new_alias, key, value) < 0))
            goto done;
    }
    pos = 0;
    while (PyDict_Next(by_block, &pos, &key, &value)) {
        PyObject *seq = PySequence_Fast(value, "by_block values must be lists");
        if (seq == NULL)
            goto done;
        PyObject *kept = PyList_New(0);
        int failed = kept == NULL;
        for (Py_ssize_t k = 0; !failed && k < PySequence_Fast_GET_SIZE(seq); k++) {
            PyObject *t = PySequence_Fast_GET_ITEM(seq, k);
            int out = PySet_Contains(gone, t);
            failed = out < 0 || (!out && PyList_Append(kept, t) < 0);
        }
        Py_DECREF(seq);
        if (!failed && PyList_GET_SIZE(kept) > 0)
            failed = PyDict_SetItem(new_blocks, key, kept) < 0;
        Py_XDECREF(kept);
        if (failed)
            goto done;
    }
    result = Py_BuildValue("OOn", new_alias, new_blocks, evicted);
done:
    Py_XDECREF(one);
    Py_XDECREF(gone);
    Py_XDECREF(new_alias);
    Py_XDECREF(new_blocks);
    return result;
}

/* --- records of the usual openai-chat envelope (readers/openai_chat.py: _from_envelope) -------
 *
 * The reader decodes a line into typed msgspec structs; _from_envelope turns them into a LogRecord.
 * chat_record() does the same for the usual case and returns None for anything else (an unusual
 * type, a parameter that needs coercion, a time zone other than UTC, a model not yet in the
 * provider cache, ...), which the caller then hands to _from_envelope. Struct fields and the
 * record's slots are read and written at their member offsets, found once by configure_chat()
 * from the classes' member descriptors; LogRecord and SourceRef are slot dataclasses whose
 * __init__ only assigns, so filling the slots of a new instance builds the same object. */

#define SLOT(obj, off) (*(PyObject **)((char *)(obj) + (off)))

enum { ENV_REQUEST, ENV_RESPONSE, ENV_TIMESTAMP, ENV_ACCOUNT, ENV_KEY, ENV_ENDPOINT, ENV_N };
static const char *env_fields[] = {"request", "response", "timestamp", "account", "api_key_id", "endpoint"};
enum { REQ_MESSAGES, REQ_MODEL, REQ_BODY, REQ_N };
static const char *req_fields[] = {"messages", "model", "body"};
enum { RESP_CHOICES, RESP_ID, RESP_MODEL, RESP_CREATED, RESP_USAGE, RESP_BODY, RESP_N };
static const char *resp_fields[] = {"choices", "id", "model", "created", "usage", "body"};
enum { REC_SOURCE, REC_FORMAT, REC_PROVIDER, REC_MODEL, REC_TIMESTAMP, REC_ACCOUNT, REC_KEY, REC_ENDPOINT, REC_SYSTEM,
       REC_PROMPT, REC_RESPONSE, REC_PARAMS, REC_USAGE_IN, REC_USAGE_OUT, REC_STATUS, REC_REQUEST_ID, REC_N };
static const char *rec_fields[] = {"source", "format", "provider", "model", "timestamp", "account", "api_key_id",
                                   "endpoint", "system", "prompt", "response", "params", "usage_in", "usage_out",
                                   "status", "request_id"};
enum { KIND_FLOAT, KIND_INT, KIND_BOOL, KIND_PASS };
#define MAX_PARAMS 32

static struct {
    int ready;
    PyTypeObject *env, *req, *resp, *choice, *answer, *message, *usage, *record, *source;
    Py_ssize_t env_off[ENV_N], req_off[REQ_N], resp_off[RESP_N], rec_off[REC_N], src_off[3];
    Py_ssize_t role_off, content_off, choice_message_off, answer_off[3], usage_off[2];
    Py_ssize_t nparams, param_off[MAX_PARAMS];
    PyObject *param_name[MAX_PARAMS];
    int param_kind[MAX_PARAMS], param_is_max_tokens[MAX_PARAMS];
    PyObject *unset, *system_roles, *raw_prefixes, *providers, *fromisoformat, *utc, *format, *empty_params,
        *status_ok, *user, *newline, *empty;
    long long exact; /* ints strictly inside ±exact keep their value through _coerce */
} chat;

static int member_offset(PyTypeObject *type, const char *name, Py_ssize_t *offset) {
    PyObject *descr = PyDict_GetItemString(type->tp_dict, name); /* borrowed */
    if (descr == NULL || !Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not a slot", type->tp_name, name);
        return -1;
    }
    PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
    if (member->type != T_OBJECT_EX && member->type != T_OBJECT) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not an object slot", type->tp_name, name);
        return -1;
    }
    *offset = member->offset;
    return 0;
}

static int offsets(PyTypeObject *type, const char **names, int n, Py_ssize_t *out) {
    for (int i = 0; i < n; i++)
        if (member_offset(type, names[i], &out[i]) < 0)
            return -1;
    return 0;
}

static PyObject *get_item(PyObject *spec, const char *key) {
    PyObject *value = PyDict_GetItemString(spec, key); /* borrowed */
    if (value == NULL)
        PyErr_Format(PyExc_KeyError, "configure_chat: missing %s", key);
    return value;
}

static PyTypeObject *get_type(PyObject *spec, const char *key) {
    PyObject *value = get_item(spec, key);
    if (value != NULL && !PyType_Check(value)) {
        PyErr_Format(PyExc_TypeError, "configure_chat: %s is not a class", key);
        return NULL;
    }
    return (PyTypeObject *)value;
}

/* configure_chat(spec: dict): the classes and constants of readers/openai_chat.py (see there). */
static PyObject *py_configure_chat(PyObject *self, PyObject *spec) {
    (void)self;
    if (!PyDict_Check(spec)) {
        PyErr_SetString(PyExc_TypeError, "configure_chat takes a dict");
        return NULL;
    }
    chat.ready = 0;
    struct { const char *key; PyTypeObject **into; } types[] = {
        {"envelope", &chat.env}, {"request", &chat.req}, {"response", &chat.resp}, {"choice", &chat.choice},
        {"answer", &chat.answer}, {"message", &chat.message}, {"usage", &chat.usage}, {"record", &chat.record},
        {"source", &chat.source}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        PyTypeObject *type = get_type(spec, types[i].key);
        if (type == NULL)
            return NULL;
        Py_XSETREF(*types[i].into, (PyTypeObject *)Py_NewRef(type));
    }
    static const char *src_fields[] = {"path", "line", "record_id"};
    static const char *answer_fields[] = {"content", "reasoning_content", "reasoning"};
    static const char *usage_fields[] = {"prompt_tokens", "completion_tokens"};
    if (offsets(chat.env, env_fields, ENV_N, chat.env_off) < 0 || offsets(chat.req, req_fields, REQ_N, chat.req_off) < 0
        || offsets(chat.resp, resp_fields, RESP_N, chat.resp_off) < 0
        || offsets(chat.record, rec_fields, REC_N, chat.rec_off) < 0 || offsets(chat.source, src_fields, 3, chat.src_off) < 0
        || offsets(chat.answer, answer_fields, 3, chat.answer_off) < 0
        || offsets(chat.usage, usage_fields, 2, chat.usage_off) < 0 || member_offset(chat.message, "role", &chat.role_off) < 0
        || member_offset(chat.message, "content", &chat.content_off) < 0
        || member_offset(chat.choice, "message", &chat.choice_message_off) < 0)
        return NULL;
    /* every slot of the record and the source is filled here: no other slot may exist */
    PyObject *record_slots = PyObject_GetAttrString((PyObject *)chat.record, "__slots__");
    PyObject *source_slots = PyObject_GetAttrString((PyObject *)chat.source, "__slots__");
    int slots_ok = record_slots != NULL && source_slots != NULL && PyTuple_Check(record_slots) && PyTuple_Check(source_slots)
                   && PyTuple_GET_SIZE(record_slots) == REC_N && PyTuple_GET_SIZE(source_slots) == 3;
    Py_XDECREF(record_slots);
    Py_XDECREF(source_slots);
    if (!slots_ok) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "configure_chat: record or source has other slots than expected");
        return NULL;
    }
    PyObject *params = get_item(spec, "params"); /* [(field, name, kind, is_max_tokens)] in struct order */
    if (params == NULL)
        return NULL;
    if (!PyList_Check(params) || PyList_GET_SIZE(params) > MAX_PARAMS) {
        PyErr_SetString(PyExc_TypeError, "configure_chat: params must be a list of at most 32 tuples");
        return NULL;
    }
    chat.nparams = PyList_GET_SIZE(params);
    for (Py_ssize_t i = 0; i < chat.nparams; i++) {
        const char *field;
        PyObject *name;
        int kind, is_max;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(params, i), "sUip", &field, &name, &kind, &is_max))
            return NULL;
        if (member_offset(chat.req, field, &chat.param_off[i]) < 0)
            return NULL;
        Py_XSETREF(chat.param_name[i], Py_NewRef(name));
        chat.param_kind[i] = kind;
        chat.param_is_max_tokens[i] = is_max;
    }
    struct { const char *key; PyObject **into; } values[] = {
        {"unset", &chat.unset}, {"system_roles", &chat.system_roles}, {"raw_prefixes", &chat.raw_prefixes},
        {"providers", &chat.providers}, {"fromisoformat", &chat.fromisoformat}, {"utc", &chat.utc},
        {"format", &chat.format}, {"empty_params", &chat.empty_params}, {"status_ok", &chat.status_ok}};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        PyObject *value = get_item(spec, values[i].key);
        if (value == NULL)
            return NULL;
        Py_XSETREF(*values[i].into, Py_NewRef(value));
    }
    if (!PyFrozenSet_Check(chat.system_roles) || !PyTuple_Check(chat.raw_prefixes) || !PyDict_Check(chat.providers)) {
        PyErr_SetString(PyExc_TypeError, "configure_chat: system_roles, raw_prefixes, providers: frozenset, tuple, dict");
        return NULL;
    }
    PyObject *exact = get_item(spec, "exact");
    if (exact == NULL || (chat.exact = PyLong_AsLongLong(exact)) == -1)
        return NULL;
    if (chat.user == NULL && (chat.user = PyUnicode_InternFromString("user")) == NULL)
        return NULL;
    if (chat.newline == NULL && (chat.newline = PyUnicode_FromString("\n")) == NULL)
        return NULL;
    if (chat.empty == NULL && (chat.empty = PyUnicode_FromString("")) == NULL)
        return NULL;
    chat.ready = 1;
    Py_RETURN_NONE;
}

/* "\n".join(parts); the one part itself when there is one */
static PyObject *joined(PyObject *parts) {
    Py_ssize_t n = PyList_GET_SIZE(parts);
    if (n == 0)
        return Py_NewRef(chat.empty);
    if (n == 1)
        return Py_NewRef(PyList_GET_ITEM(parts, 0));
    return PyUnicode_Join(chat.newline, parts);
}

static int param_value(PyObject *value, int kind, long long exact) {
    PyTypeObject *type = Py_TYPE(value);
    switch (kind) {
    case KIND_FLOAT:
        return type == &PyFloat_Type;
    case KIND_BOOL:
        return type == &PyBool_Type;
    case KIND_INT:
        if (type == &PyLong_Type) {
            int overflow;
            long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
            if (v == -1 && PyErr_Occurred()) {
                PyErr_Clear();
                return 0;
            }
            return !overflow && -exact < v && v < exact;
        }
        return 0;
    default: /* a kind _coerce passes through: str or int */
        return type == &PyUnicode_Type || type == &PyLong_Type;
    }
}

/* One of the optional str fields: the value (None, or a str; `or None` applied), or NULL when it
 * needs Python (another type). */
static PyObject *opt_text(PyObject *value) {
    if (value == Py_None || (PyUnicode_CheckExact(value) && PyUnicode_GET_LENGTH(value) == 0))
        return Py_NewRef(Py_None);
    if (PyUnicode_CheckExact(value))
        return Py_NewRef(value);
    return NULL;
}

#define LEAVE()                                                                                                    \
    do {                                                                                                           \
        goto left;                                                                                                 \
    } while (0)

static PyObject *chat_record(PyObject *env, PyObject *path, PyObject *line);

static PyObject *py_chat_record(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "chat_record(envelope, path, line)");
        return NULL;
    }
    if (!chat.ready) {
        PyErr_SetString(PyExc_RuntimeError, "compliance.signals._native: configure_chat() was not called");
        return NULL;
    }
    return chat_record(args[0], args[1], args[2]);
}

/* chat_lines(lines, start, path, line, pos, end, decode, errors, out) -> (index, pos)
 *
 * partitions._read_range's loop over the lines of a range for the usual openai-chat line: from
 * lines[start], while a line starts before `end` (pos is where lines[start] starts), decode it
 * with `decode` (the reader's msgspec decoder) and build its record with chat_record, numbered
 * line + 1, line + 2, ...; append the records to `out`. Stops at the first line that needs the
 * Python path (the decoder raises one of `errors`, or chat_record declines) or that starts at or
 * after `end`, without consuming it, and returns its index and start. */
static PyObject *py_chat_lines(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *lines, *path, *decode, *errors, *out;
    Py_ssize_t start, line;
    long long pos, end;
    if (!PyArg_ParseTuple(args, "O!nUnLLOOO!", &PyList_Type, &lines, &start, &path, &line, &pos, &end, &decode, &errors,
                          &PyList_Type, &out))
        return NULL;
    if (!chat.ready) {
        PyErr_SetString(PyExc_RuntimeError, "compliance.signals._native: configure_chat() was not called");
        return NULL;
    }
    Py_ssize_t i = start < 0 ? 0 : start, n = PyList_GET_SIZE(lines);
    for (; i < n && pos < end; i++) {
        PyObject *raw = PyList_GET_ITEM(lines, i);
        if (!PyBytes_Check(raw)) {
            PyErr_SetString(PyExc_TypeError, "chat_lines: lines must be bytes");
            return NULL;
        }
        PyObject *env = PyObject_CallOneArg(decode, raw);
        if (env == NULL) {
            if (!PyErr_ExceptionMatches(errors))
                return NULL;
            PyErr_Clear();
            break;
        }
        PyObject *number = PyLong_FromSsize_t(line + (i - start) + 1);
        PyObject *record = number == NULL ? NULL : chat_record(env, path, number);
        Py_DECREF(env);
        Py_XDECREF(number);
        if (record == NULL)
            return NULL;
        if (record == Py_None) {
            Py_DECREF(record);
            break;
        }
        int rc = PyList_Append(out, record);
        Py_DECREF(record);
        if (rc < 0)
            return NULL;
        pos += PyBytes_GET_SIZE(raw);
    }
    return Py_BuildValue("nL", i, pos);
}

static PyObject *chat_record(PyObject *env, PyObject *path, PyObject *line) {
    PyObject *system = NULL, *user = NULL, *texts = NULL, *params = NULL, *ts = NULL, *account = NULL, *key = NULL,
             *endpoint = NULL, *result = NULL;
    if (Py_TYPE(env) != chat.env)
        LEAVE();
    PyObject *req = SLOT(env, chat.env_off[ENV_REQUEST]), *resp = SLOT(env, chat.env_off[ENV_RESPONSE]);
    if (req == NULL || resp == NULL || Py_TYPE(req) != chat.req || Py_TYPE(resp) != chat.resp)
        LEAVE();
    if (SLOT(req, chat.req_off[REQ_BODY]) != chat.unset || SLOT(resp, chat.resp_off[RESP_BODY]) != chat.unset)
        LEAVE();
    /* choices: each a non-empty answer without reasoning */
    PyObject *choices = SLOT(resp, chat.resp_off[RESP_CHOICES]);
    if (choices == NULL || !PyList_CheckExact(choices) || (texts = PyList_New(0)) == NULL)
        LEAVE();
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(choices); i++) {
        PyObject *choice = PyList_GET_ITEM(choices, i);
        if (Py_TYPE(choice) != chat.choice)
            LEAVE();
        PyObject *answer = SLOT(choice, chat.choice_message_off);
        if (answer == NULL || Py_TYPE(answer) != chat.answer)
            LEAVE();
        PyObject *content = SLOT(answer, chat.answer_off[0]);
        if (content == NULL || !PyUnicode_CheckExact(content) || PyUnicode_GET_LENGTH(content) == 0
            || SLOT(answer, chat.answer_off[1]) != Py_None || SLOT(answer, chat.answer_off[2]) != Py_None)
            LEAVE();
        if (PyList_Append(texts, content) < 0)
            goto error;
    }
    /* usage and created */
    PyObject *usage_in = Py_None, *usage_out = Py_None;
    PyObject *usage = SLOT(resp, chat.resp_off[RESP_USAGE]);
    if (usage == NULL)
        LEAVE();
    if (usage != Py_None) {
        if (Py_TYPE(usage) != chat.usage)
            LEAVE();
        usage_in = SLOT(usage, chat.usage_off[0]);
        usage_out = SLOT(usage, chat.usage_off[1]);
        if (usage_in == NULL || usage_out == NULL)
            LEAVE();
    }
    PyObject *created = SLOT(resp, chat.resp_off[RESP_CREATED]);
    if (created == NULL)
        LEAVE();
    if (created != Py_None) {
        int overflow;
        long long value = PyLong_CheckExact(created) ? PyLong_AsLongLongAndOverflow(created, &overflow) : -1;
        if (value == -1 && PyErr_Occurred())
            PyErr_Clear();
        if (!PyLong_CheckExact(created) || overflow || value < 0 || value >= 100000000000LL)
            LEAVE();
    }
    /* messages: user turns and system (or developer) turns, with str or null contents */
    PyObject *messages = SLOT(req, chat.req_off[REQ_MESSAGES]);
    if (messages == NULL || !PyList_CheckExact(messages) || (system = PyList_New(0)) == NULL || (user = PyList_New(0)) == NULL)
        LEAVE();
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(messages); i++) {
        PyObject *message = PyList_GET_ITEM(messages, i);
        if (Py_TYPE(message) != chat.message)
            LEAVE();
        PyObject *role = SLOT(message, chat.role_off), *content = SLOT(message, chat.content_off);
        if (role == NULL || content == NULL || !PyUnicode_CheckExact(role))
            LEAVE();
        PyObject *into;
        int eq = PyUnicode_Compare(role, chat.user);
        if (eq == -1 && PyErr_Occurred())
            goto error;
        if (eq == 0)
            into = user;
        else {
            int found = PySet_Contains(chat.system_roles, role);
            if (found < 0)
                goto error;
            if (!found)
                continue;
            into = system;
        }
        if (content == Py_None)
            continue;
        if (!PyUnicode_CheckExact(content))
            LEAVE();
        if (PyUnicode_GET_LENGTH(content) > 0 && PyList_Append(into, content) < 0)
            goto error;
    }
    /* parameters that need no coercion, in the struct's order; one max_tokens spelling at most */
    int max_tokens = 0;
    for (Py_ssize_t i = 0; i < chat.nparams; i++) {
        PyObject *value = SLOT(req, chat.param_off[i]);
        if (value == NULL)
            LEAVE();
        if (value == Py_None)
            continue;
        if (chat.param_is_max_tokens[i] && ++max_tokens > 1)
            LEAVE();
        if (!param_value(value, chat.param_kind[i], chat.exact))
            LEAVE();
        if (params == NULL && (params = PyDict_New()) == NULL)
            goto error;
        if (PyDict_SetItem(params, chat.param_name[i], value) < 0)
            goto error;
    }
    /* the usual ISO timestamp in UTC */
    PyObject *stamp = SLOT(env, chat.env_off[ENV_TIMESTAMP]);
    if (stamp == NULL || !PyUnicode_CheckExact(stamp) || PyUnicode_GET_LENGTH(stamp) == 0)
        LEAVE();
    ts = PyObject_CallOneArg(chat.fromisoformat, stamp);
    if (ts == NULL) {
        PyErr_Clear(); /* _from_envelope raises it again, and the general reader reports it */
        LEAVE();
    }
    static PyObject *tzinfo_name = NULL;
    if (tzinfo_name == NULL && (tzinfo_name = PyUnicode_InternFromString("tzinfo")) == NULL)
        goto error;
    PyObject *tzinfo = PyObject_GetAttr(ts, tzinfo_name);
    if (tzinfo == NULL)
        goto error;
    Py_DECREF(tzinfo); /* only compared */
    if (tzinfo != chat.utc)
        LEAVE();
    /* account, key id (no raw key), endpoint */
    if (SLOT(env, chat.env_off[ENV_ACCOUNT]) == NULL || (account = opt_text(SLOT(env, chat.env_off[ENV_ACCOUNT]))) == NULL)
        LEAVE();
    PyObject *raw_key = SLOT(env, chat.env_off[ENV_KEY]);
    if (raw_key == NULL || (key = opt_text(raw_key)) == NULL)
        LEAVE();
    if (PyUnicode_CheckExact(raw_key)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(chat.raw_prefixes); i++) {
            Py_ssize_t hit = PyUnicode_Tailmatch(raw_key, PyTuple_GET_ITEM(chat.raw_prefixes, i), 0, PY_SSIZE_T_MAX, -1);
            if (hit < 0)
                goto error;
            if (hit)
                LEAVE();
        }
    }
    if (SLOT(env, chat.env_off[ENV_ENDPOINT]) == NULL || (endpoint = opt_text(SLOT(env, chat.env_off[ENV_ENDPOINT]))) == NULL)
        LEAVE();
    /* model and its provider, from the reader's cache */
    PyObject *model = SLOT(resp, chat.resp_off[RESP_MODEL]);
    if (model == NULL)
        LEAVE();
    int truthy = PyObject_IsTrue(model);
    if (truthy < 0)
        goto error;
    if (!truthy)
        model = SLOT(req, chat.req_off[REQ_MODEL]);
    if (model == NULL)
        LEAVE();
    PyObject *provider = PyDict_GetItemWithError(chat.providers, model);
    if (provider == NULL) {
        if (PyErr_Occurred())
            goto error;
        LEAVE(); /* _from_envelope infers it and fills the cache */
    }
    PyObject *record_id = SLOT(resp, chat.resp_off[RESP_ID]);
    if (record_id == NULL)
        LEAVE();
    int has_id = PyObject_IsTrue(record_id);
    if (has_id < 0)
        goto error;
    /* SourceRef(path, line, record_id or None) and the record, slot by slot */
    PyObject *source = chat.source->tp_alloc(chat.source, 0);
    if (source == NULL)
        goto error;
    SLOT(source, chat.src_off[0]) = Py_NewRef(path);
    SLOT(source, chat.src_off[1]) = Py_NewRef(line);
    SLOT(source, chat.src_off[2]) = Py_NewRef(has_id ? record_id : Py_None);
    PyObject *record = chat.record->tp_alloc(chat.record, 0);
    if (record == NULL) {
        Py_DECREF(source);
        goto error;
    }
    PyObject *values[REC_N] = {
        source, Py_NewRef(chat.format), Py_NewRef(provider), Py_NewRef(model), Py_NewRef(ts), Py_NewRef(account),
        Py_NewRef(key), Py_NewRef(endpoint), joined(system), joined(user), joined(texts),
        Py_NewRef(params != NULL ? params : chat.empty_params), Py_NewRef(usage_in), Py_NewRef(usage_out),
        Py_NewRef(chat.status_ok), Py_NewRef(record_id)};
    int failed = 0;
    for (int i = 0; i < REC_N; i++) {
        if (values[i] == NULL)
            failed = 1;
        SLOT(record, chat.rec_off[i]) = values[i];
    }
    if (failed) {
        Py_DECREF(record);
        goto error;
    }
    result = record;
    goto done;
left:
    if (PyErr_Occurred())
        goto error;
    result = Py_NewRef(Py_None);
    goto done;
error:
    result = NULL;
done:
    Py_XDECREF(system);
    Py_XDECREF(user);
    Py_XDECREF(texts);
    Py_XDECREF(params);
    Py_XDECREF(ts);
    Py_XDECREF(account);
    Py_XDECREF(key);
    Py_XDECREF(endpoint);
    return result;
}

/* --- cue sentences of a template (conditions.py: LemmaMatcher.template_cue_text) -------------
 *
 * cue_sentences(template, literals): the sentences of an ASCII template that hold an occurrence
 * (its first character) of one of the literals, joined by single spaces, or the template itself
 * when none does. Sentences end where a space follows one of . ! ? ; : (that space is dropped).
 * The caller passes only literals that str.find may look for sentence by sentence (conditions.py:
 * _findable) and templates without NUL or line breaks; None for a non-ASCII template. */
static PyObject *py_cue_sentences(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *template, *literals;
    if (!PyArg_ParseTuple(args, "UO!", &template, &PyList_Type, &literals))
        return NULL;
    if (!PyUnicode_IS_ASCII(template))
        Py_RETURN_NONE;
    const char *t = (const char *)PyUnicode_DATA(template);
    Py_ssize_t n = PyUnicode_GET_LENGTH(template);
    /* sentence k spans [starts[k], ends[k]); the space after a stop belongs to none */
    Py_ssize_t cap = 16, count = 0;
    Py_ssize_t *starts = PyMem_Malloc(cap * sizeof(Py_ssize_t)), *ends = PyMem_Malloc(cap * sizeof(Py_ssize_t));
    char *hit = NULL;
    PyObject *result = NULL;
    if (starts == NULL || ends == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t from = 0;
    for (Py_ssize_t i = 0; i <= n; i++) {
        char before = i > 0 ? t[i - 1] : 0;
        int stop = i == n || (t[i] == ' ' && (before == '.' || before == '!' || before == '?' || before == ';' || before == ':'));
        if (!stop)
            continue;
        if (count == cap) {
            cap *= 2;
            Py_ssize_t *s2 = PyMem_Realloc(starts, cap * sizeof(Py_ssize_t)), *e2;
            if (s2 == NULL) {
                PyErr_NoMemory();
                goto done;
            }
            starts = s2;
            e2 = PyMem_Realloc(ends, cap * sizeof(Py_ssize_t));
            if (e2 == NULL) {
                PyErr_NoMemory();
                goto done;
            }
            ends = e2;
        }
        starts[count] = from;
        ends[count] = i;
        count++;
        from = i + 1;
    }
    hit = PyMem_Calloc(count, 1);
    if (hit == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(literals); k++) {
        PyObject *literal = PyList_GET_ITEM(literals, k);
        if (!PyUnicode_Check(literal) || !PyUnicode_IS_ASCII(literal)) {
            PyErr_SetString(PyExc_TypeError, "cue_sentences: literals must be ASCII str");
            goto done;
        }
        const char *w = (const char *)PyUnicode_DATA(literal);
        Py_ssize_t m = PyUnicode_GET_LENGTH(literal), at = 0, sentence = 0;
        /* like str.find from at + 1 after each occurrence (overlapping); an empty literal occurs everywhere */
        while (at + m <= n) {
            Py_ssize_t pos = m == 0 ? at : find(t, n, at, w, m);
            if (pos < 0)
                break;
            while (sentence + 1 < count && starts[sentence + 1] <= pos) /* bisect_right(starts, pos) - 1 */
                sentence++;
            hit[sentence] = 1;
            at = pos + 1;
        }
    }
    buf_t out;
    if (buf_init(&out, n + 1) < 0)
        goto done;
    int kept = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        if (!hit[k] || ends[k] == starts[k])
            continue;
        if ((kept && buf_put(&out, " ", 1) < 0) || buf_put(&out, t + starts[k], ends[k] - starts[k]) < 0) {
            buf_free(&out);
            goto done;
        }
        kept = 1;
    }
    result = kept ? PyUnicode_FromStringAndSize(out.data, out.len) : Py_NewRef(template);
    buf_free(&out);
done:
    PyMem_Free(starts);
    PyMem_Free(ends);
    PyMem_Free(hit);
    return result;
}

/* --- the prefilter's literal set (compiled.py: SignalSet._matcher) -------------------------------
 *
 * LiteralSet(literals, fallback)(text): the indices, ascending, of the literals that occur in text
 * ignoring case, which is what the prefilter's RE2 set (case-insensitive, one escaped literal per
 * pattern) answers. Only ASCII literals are accepted (ValueError otherwise: the caller keeps RE2),
 * and only ASCII texts are scanned here; any other text is passed to fallback(text), the RE2 set,
 * since Unicode case folding can match non-ASCII characters to ASCII ones (K and the Kelvin sign).
 * One pass over the text: a literal can start at a position only if it is in the bit masks of the
 * position's character (its first character) and of the next two (its second and third). */
#include <stdint.h>

typedef struct {
    PyObject_HEAD
    Py_ssize_t count, words;
    uint64_t *first;  /* [257][words]: literals whose first character is c, ignoring case */
    uint64_t *second; /* [257][words]: ... whose second is c; 256 = past the end (one-character literals) */
    uint64_t *third;  /* [257][words]: ... whose third is c; 256 = past the end (literals of one or two) */
    uint64_t *empty;  /* [words]: empty literals (they occur in every text) */
    char **text;
    Py_ssize_t *len;
    PyObject *fallback;
} literal_set_t;

static inline unsigned char lower_ascii(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static void literal_set_dealloc(literal_set_t *self) {
    PyMem_Free(self->first);
    PyMem_Free(self->second);
    PyMem_Free(self->third);
    PyMem_Free(self->empty);
    if (self->text != NULL)
        for (Py_ssize_t i = 0; i < self->count; i++)
            PyMem_Free(self->text[i]);
    PyMem_Free(self->text);
    PyMem_Free(self->len);
    Py_XDECREF(self->fallback);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *literal_set_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *literals, *fallback;
    static char *kwlist[] = {"literals", "fallback", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O", kwlist, &PyList_Type, &literals, &fallback))
        return NULL;
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "LiteralSet: fallback must be callable");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(literals);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *literal = PyList_GET_ITEM(literals, i);
        if (!PyUnicode_Check(literal)) {
            PyErr_SetString(PyExc_TypeError, "LiteralSet: literals must be str");
            return NULL;
        }
        if (!PyUnicode_IS_ASCII(literal)) {
            PyErr_SetString(PyExc_ValueError, "LiteralSet: only ASCII literals");
            return NULL;
        }
    }
    literal_set_t *self = (literal_set_t *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->count = count;
    self->words = count / 64 + 1;
    self->first = PyMem_Calloc(257 * self->words, sizeof(uint64_t));
    self->second = PyMem_Calloc(257 * self->words, sizeof(uint64_t));
    self->third = PyMem_Calloc(257 * self->words, sizeof(uint64_t));
    self->empty = PyMem_Calloc(self->words, sizeof(uint64_t));
    self->text = PyMem_Calloc(count + 1, sizeof(char *));
    self->len = PyMem_Calloc(count + 1, sizeof(Py_ssize_t));
    self->fallback = Py_NewRef(fallback);
    if (self->first == NULL || self->second == NULL || self->third == NULL || self->empty == NULL || self->text == NULL || self->len == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *literal = PyList_GET_ITEM(literals, i);
        Py_ssize_t n = PyUnicode_GET_LENGTH(literal);
        const unsigned char *data = (const unsigned char *)PyUnicode_DATA(literal);
        if ((self->text[i] = PyMem_Malloc(n + 1)) == NULL) {
            Py_DECREF(self);
            return PyErr_NoMemory();
        }
        for (Py_ssize_t k = 0; k < n; k++)
            self->text[i][k] = (char)lower_ascii(data[k]);
        self->len[i] = n;
        uint64_t bit = (uint64_t)1 << (i % 64);
        Py_ssize_t word = i / 64;
        if (n == 0) {
            self->empty[word] |= bit;
            continue;
        }
        /* indexed by the text's byte as it is: a letter sets the masks of both its cases */
        uint64_t *masks[3] = {self->first, self->second, self->third};
        for (Py_ssize_t k = 0; k <= 2; k++) { /* a literal too short to have character k takes any, and the end */
            if (n <= k) {
                for (int c = 0; c < 257; c++)
                    masks[k][c * self->words + word] |= bit;
                continue;
            }
            unsigned char c = (unsigned char)self->text[i][k];
            masks[k][c * self->words + word] |= bit;
            if (c >= 'a' && c <= 'z')
                masks[k][(c - 32) * self->words + word] |= bit;
        }
    }
    return (PyObject *)self;
}

/* The literals found in an ASCII text, as bits in found[words]. */
static void scan_ascii(literal_set_t *self, const unsigned char *t, Py_ssize_t n, uint64_t *found) {
    Py_ssize_t words = self->words, left = self->count;
    for (Py_ssize_t w = 0; w < words; w++) {
        found[w] = self->empty[w];
        for (uint64_t m = found[w]; m; m &= m - 1)
            left--;
    }
    Py_ssize_t i = 0;
    if (words == 1) { /* the usual case, up to 64 literals: positions with two characters after them */
        const uint64_t *first = self->first, *second = self->second, *third = self->third;
        const char *const *text = (const char *const *)self->text;
        uint64_t f = found[0];
        for (; i + 2 < n && left > 0; i++) {
            uint64_t candidates = first[t[i]] & second[t[i + 1]] & third[t[i + 2]] & ~f;
            while (__builtin_expect(candidates != 0, 0)) {
                int b = __builtin_ctzll(candidates);
                candidates &= candidates - 1;
                Py_ssize_t m = self->len[b], k = 3;
                if (m > n - i)
                    continue;
                while (k < m && lower_ascii(t[i + k]) == (unsigned char)text[b][k])
                    k++;
                if (k >= m) {
                    f |= (uint64_t)1 << b;
                    left--;
                }
            }
        }
        found[0] = f;
    }
    for (; i < n && left > 0; i++) {
        Py_ssize_t c1 = i + 1 < n ? t[i + 1] : 256, c2 = i + 2 < n ? t[i + 2] : 256;
        if (words == 1) { /* the usual case: up to 64 literals */
            uint64_t candidates = self->first[t[i]] & self->second[c1] & self->third[c2] & ~found[0];
            if (candidates == 0)
                continue;
        }
        const uint64_t *first = self->first + t[i] * words, *second = self->second + c1 * words,
                       *third = self->third + c2 * words;
        for (Py_ssize_t w = 0; w < words; w++) {
            uint64_t candidates = first[w] & second[w] & third[w] & ~found[w];
            while (candidates) {
                int b = __builtin_ctzll(candidates);
                candidates &= candidates - 1;
                Py_ssize_t j = w * 64 + b, m = self->len[j];
                if (m > n - i)
                    continue;
                const char *lit = self->text[j];
                Py_ssize_t k = 3;
                while (k < m && lower_ascii(t[i + k]) == (unsigned char)lit[k])
                    k++;
                if (k >= m) {
                    found[w] |= (uint64_t)1 << b;
                    left--;
                }
            }
        }
    }
}

/* The literals found in any text, as bits: ASCII texts scanned here, others asked of the fallback
 * (whose answer, a list of indices or a falsy value, is turned into bits). 0, or -1 with an error. */
static int scan_bits(literal_set_t *self, PyObject *text, uint64_t *found) {
    if (PyUnicode_IS_ASCII(text)) {
        scan_ascii(self, (const unsigned char *)PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), found);
        return 0;
    }
    memset(found, 0, self->words * sizeof(uint64_t));
    PyObject *hits = PyObject_CallOneArg(self->fallback, text);
    if (hits == NULL)
        return -1;
    int truthy = PyObject_IsTrue(hits);
    PyObject *seq = truthy > 0 ? PySequence_Fast(hits, "the fallback must return a list of indices") : NULL;
    Py_DECREF(hits);
    if (truthy <= 0)
        return truthy;
    if (seq == NULL)
        return -1;
    for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(seq); k++) {
        Py_ssize_t j = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, k));
        if (j < 0 || j >= self->count) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_IndexError, "the fallback returned an index out of range");
            Py_DECREF(seq);
            return -1;
        }
        found[j / 64] |= (uint64_t)1 << (j % 64);
    }
    Py_DECREF(seq);
    return 0;
}

static PyObject *literal_set_call(literal_set_t *self, PyObject *args, PyObject *kwds) {
    PyObject *text;
    if (kwds != NULL && PyDict_GET_SIZE(kwds) > 0) {
        PyErr_SetString(PyExc_TypeError, "LiteralSet takes one text");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    if (!PyUnicode_IS_ASCII(text))
        return PyObject_CallOneArg(self->fallback, text);
    Py_ssize_t words = self->words;
    uint64_t found_one = 0, *found = words == 1 ? &found_one : PyMem_Calloc(words, sizeof(uint64_t));
    if (found == NULL)
        return PyErr_NoMemory();
    scan_ascii(self, (const unsigned char *)PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), found);
    PyObject *out = PyList_New(0);
    for (Py_ssize_t w = 0; w < words && out != NULL; w++)
        for (uint64_t m = found[w]; m; m &= m - 1) {
            PyObject *index = PyLong_FromSsize_t(w * 64 + __builtin_ctzll(m));
            if (index == NULL || PyList_Append(out, index) < 0) {
                Py_XDECREF(index);
                Py_CLEAR(out);
                break;
            }
            Py_DECREF(index);
        }
    if (words != 1)
        PyMem_Free(found);
    return out;
}

/* passing(columns, routes) -> {signal: [record indices, ascending]}
 *
 * SignalSet.passing_prefilter for a batch: columns is a list of lists of texts (one list per
 * prefiltered field, a value per record; None and "" are skipped), routes a list with, per column,
 * a list over the literals of the signals (as bits of an int below 2**64) that take the literal in
 * that field. A record passes a signal when one of its texts holds one of the signal's literals in
 * one of its fields. */
static PyObject *literal_set_passing(literal_set_t *self, PyObject *args) {
    PyObject *columns, *routes;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &columns, &PyList_Type, &routes))
        return NULL;
    Py_ssize_t fields = PyList_GET_SIZE(columns), words = self->words, n = -1;
    if (PyList_GET_SIZE(routes) != fields) {
        PyErr_SetString(PyExc_ValueError, "passing: one route list per column");
        return NULL;
    }
    uint64_t *route = PyMem_Calloc(fields * self->count + 1, sizeof(uint64_t)), *found = PyMem_Calloc(words, sizeof(uint64_t));
    uint64_t *signals = NULL;
    PyObject *out = NULL;
    if (route == NULL || found == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t f = 0; f < fields; f++) {
        PyObject *column = PyList_GET_ITEM(columns, f), *bits = PyList_GET_ITEM(routes, f);
        if (!PyList_Check(column) || !PyList_Check(bits) || PyList_GET_SIZE(bits) != self->count
            || (n >= 0 && PyList_GET_SIZE(column) != n)) {
            PyErr_SetString(PyExc_ValueError, "passing: columns of one length, a route per literal");
            goto done;
        }
        n = PyList_GET_SIZE(column);
        for (Py_ssize_t j = 0; j < self->count; j++) {
            route[f * self->count + j] = PyLong_AsUnsignedLongLong(PyList_GET_ITEM(bits, j));
            if (PyErr_Occurred())
                goto done;
        }
    }
    if (n < 0)
        n = 0;
    signals = PyMem_Calloc(n + 1, sizeof(uint64_t));
    if (signals == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t f = 0; f < fields; f++) {
        PyObject *column = PyList_GET_ITEM(columns, f);
        const uint64_t *to = route + f * self->count;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *text = PyList_GET_ITEM(column, i);
            if (text == Py_None)
                continue;
            if (!PyUnicode_Check(text)) {
                PyErr_SetString(PyExc_TypeError, "passing: texts must be str or None");
                goto done;
            }
            if (PyUnicode_GET_LENGTH(text) == 0)
                continue;
            if (scan_bits(self, text, found) < 0)
                goto done;
            for (Py_ssize_t w = 0; w < words; w++)
                for (uint64_t m = found[w]; m; m &= m - 1)
                    signals[i] |= to[w * 64 + __builtin_ctzll(m)];
        }
    }
    uint64_t seen = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        seen |= signals[i];
    out = PyDict_New();
    for (int b = 0; b < 64 && out != NULL; b++) {
        uint64_t bit = (uint64_t)1 << b;
        PyObject *hits = NULL;
        if (!(seen & bit))
            continue;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!(signals[i] & bit))
                continue;
            PyObject *index = PyLong_FromSsize_t(i);
            if (hits == NULL)
                hits = PyList_New(0);
            if (index == NULL || hits == NULL || PyList_Append(hits, index) < 0) {
                Py_XDECREF(index);
                Py_XDECREF(hits);
                Py_CLEAR(out);
                break;
            }
            Py_DECREF(index);
        }
        if (hits != NULL && out != NULL) {
            PyObject *key = PyLong_FromLong(b);
            if (key == NULL || PyDict_SetItem(out, key, hits) < 0)
                Py_CLEAR(out);
            Py_XDECREF(key);
        }
        Py_XDECREF(hits);
    }
done:
    PyMem_Free(route);
    PyMem_Free(found);
    PyMem_Free(signals);
    return out;
}

static PyMethodDef literal_set_methods[] = {
    {"passing", (PyCFunction)literal_set_passing, METH_VARARGS,
     "passing(columns, routes) -> {signal: [record indices]}: SignalSet.passing_prefilter for a batch"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject literal_set_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "compliance.signals._native.LiteralSet",
    .tp_basicsize = sizeof(literal_set_t),
    .tp_dealloc = (destructor)literal_set_dealloc,
    .tp_call = (ternaryfunc)literal_set_call,
    .tp_methods = literal_set_methods,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "LiteralSet(literals, fallback)(text) -> indices of the literals in text, ignoring case "
              "(ASCII texts; fallback(text) for others)",
    .tp_new = literal_set_new,
};

/* [word_count(t) for t in texts]: -1 for a non-ASCII text (the caller counts it) */
static PyObject *py_word_counts(PyObject *self, PyObject *texts) {
    (void)self;
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "expected a list of str");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(texts);
    PyObject *out = PyList_New(count);
    for (Py_ssize_t i = 0; out != NULL && i < count; i++) {
        PyObject *value = py_word_count(NULL, PyList_GET_ITEM(texts, i));
        if (value == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, i, value);
    }
    return out;
}

/* --- column helpers for record conditions (conditions.py) ------------------------------------
 *
 * compare(values, idx, op, arg): [i for i in idx if type(values[i]) in (int, float) and values[i] <op> arg],
 * op one of Py_LT, Py_LE, Py_GT, Py_GE; values a list indexed by record. Exact types only (a bool is
 * not a number here); the comparison is Python's (exact between ints and floats). */
static PyObject *py_compare(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *values, *idx, *arg;
    int op;
    if (!PyArg_ParseTuple(args, "O!O!iO", &PyList_Type, &values, &PyList_Type, &idx, &op, &arg))
        return NULL;
    if (op != Py_LT && op != Py_LE && op != Py_GT && op != Py_GE) {
        PyErr_SetString(PyExc_ValueError, "compare: op must be <, <=, > or >=");
        return NULL;
    }
    int arg_float = PyFloat_CheckExact(arg);
    double arg_double = arg_float ? PyFloat_AS_DOUBLE(arg) : 0.0;
    int arg_small = 0;
    long long arg_long = 0;
    if (PyLong_CheckExact(arg)) {
        int overflow;
        arg_long = PyLong_AsLongLongAndOverflow(arg, &overflow);
        if (arg_long == -1 && PyErr_Occurred())
            return NULL;
        arg_small = !overflow;
    }
    PyObject *out = PyList_New(0);
    Py_ssize_t n = PyList_GET_SIZE(values);
    for (Py_ssize_t k = 0; out != NULL && k < PyList_GET_SIZE(idx); k++) {
        PyObject *index = PyList_GET_ITEM(idx, k);
        Py_ssize_t i = PyLong_AsSsize_t(index);
        if (i < 0 || i >= n) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_IndexError, "compare: record index out of range");
            Py_CLEAR(out);
            break;
        }
        PyObject *x = PyList_GET_ITEM(values, i);
        int keep;
        if (PyLong_CheckExact(x) && arg_small) {
            int overflow;
            long long v = PyLong_AsLongLongAndOverflow(x, &overflow);
            if (v == -1 && PyErr_Occurred()) {
                Py_CLEAR(out);
                break;
            }
            if (overflow) /* beyond 64 bits: its sign decides */
                keep = (op == Py_GT || op == Py_GE) ? overflow > 0 : overflow < 0;
            else
                keep = op == Py_LT ? v < arg_long : op == Py_LE ? v <= arg_long : op == Py_GT ? v > arg_long : v >= arg_long;
        } else if (PyFloat_CheckExact(x) && arg_float) {
            double v = PyFloat_AS_DOUBLE(x);
            keep = op == Py_LT ? v < arg_double : op == Py_LE ? v <= arg_double : op == Py_GT ? v > arg_double : v >= arg_double;
        } else if (PyLong_CheckExact(x) || PyFloat_CheckExact(x)) {
            keep = PyObject_RichCompareBool(x, arg, op); /* mixed int and float: Python's exact comparison */
            if (keep < 0) {
                Py_CLEAR(out);
                break;
            }
        } else
            keep = 0;
        if (keep && PyList_Append(out, index) < 0)
            Py_CLEAR(out);
    }
    return out;
}

/* getattr(record, name) (new reference): a slot read for LogRecord, whose layout configure_chat()
 * took from the class; any other object goes through getattr. */
static int record_field_index(PyObject *name) {
    if (!chat.ready || !PyUnicode_Check(name))
        return -1;
    for (int k = 0; k < REC_N; k++)
        if (PyUnicode_CompareWithASCIIString(name, rec_fields[k]) == 0)
            return k;
    return -1;
}

static PyObject *record_field(PyObject *record, PyObject *name, int index) {
    if (index >= 0 && Py_TYPE(record) == chat.record) {
        PyObject *value = SLOT(record, chat.rec_off[index]);
        if (value != NULL)
            return Py_NewRef(value);
    }
    return PyObject_GetAttr(record, name);
}

/* column(records, name, lengths=False) -> [getattr(r, name) for r in records], or their len() */
static PyObject *py_column(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *records, *name;
    int lengths = 0;
    if (!PyArg_ParseTuple(args, "O!U|p", &PyList_Type, &records, &name, &lengths))
        return NULL;
    int index = record_field_index(name);
    Py_ssize_t n = PyList_GET_SIZE(records);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *value = record_field(PyList_GET_ITEM(records, i), name, index);
        if (value != NULL && lengths) {
            Py_ssize_t size = PyObject_Length(value);
            Py_DECREF(value);
            value = size < 0 ? NULL : PyLong_FromSsize_t(size);
        }
        if (value == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, i, value);
    }
    return out;
}

/* value `or` default: the value unless it is falsy (the caller's `x or default`) */
static PyObject *or_default(PyObject *value, PyObject *fallback) {
    int truthy = PyObject_IsTrue(value);
    if (truthy < 0)
        return NULL;
    return Py_NewRef(truthy ? value : fallback);
}

/* accounts(records, unknown) -> (groups, order, ids)
 *
 * Accumulator.add_batch's grouping: each record's account key (r.provider or unknown, r.account or
 * r.api_key_id or unknown); groups: key -> its record indices, keys in first-seen order; order:
 * the keys in that order; ids: each record's key as its position in order. */
static PyObject *py_accounts(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *records, *unknown;
    if (!PyArg_ParseTuple(args, "O!O", &PyList_Type, &records, &unknown))
        return NULL;
    static PyObject *provider_name = NULL, *account_name = NULL, *key_name = NULL;
    if (provider_name == NULL && ((provider_name = PyUnicode_InternFromString("provider")) == NULL
                                  || (account_name = PyUnicode_InternFromString("account")) == NULL
                                  || (key_name = PyUnicode_InternFromString("api_key_id")) == NULL))
        return NULL;
    int provider_index = record_field_index(provider_name), account_index = record_field_index(account_name),
        key_index = record_field_index(key_name);
    Py_ssize_t n = PyList_GET_SIZE(records);
    PyObject *groups = PyDict_New(), *order = PyList_New(0), *ids = PyList_New(n), *id_of = PyDict_New(), *result = NULL;
    if (groups == NULL || order == NULL || ids == NULL || id_of == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *record = PyList_GET_ITEM(records, i), *provider = NULL, *who = NULL, *akey = NULL;
        PyObject *raw = record_field(record, provider_name, provider_index);
        if (raw != NULL) {
            provider = or_default(raw, unknown);
            Py_DECREF(raw);
        }
        if (provider != NULL && (raw = record_field(record, account_name, account_index)) != NULL) {
            int truthy = PyObject_IsTrue(raw);
            if (truthy > 0)
                who = raw;
            else {
                Py_DECREF(raw);
                if (truthy == 0 && (raw = record_field(record, key_name, key_index)) != NULL) {
                    who = or_default(raw, unknown);
                    Py_DECREF(raw);
                }
            }
        }
        if (who != NULL)
            akey = PyTuple_Pack(2, provider, who);
        Py_XDECREF(provider);
        Py_XDECREF(who);
        if (akey == NULL)
            goto done;
        PyObject *group = PyDict_GetItemWithError(groups, akey), *index = PyLong_FromSsize_t(i), *id;
        int rc = index == NULL ? -1 : 0;
        if (rc == 0 && group == NULL) {
            if (PyErr_Occurred())
                rc = -1;
            else {
                PyObject *fresh = PyList_New(0);
                id = PyLong_FromSsize_t(PyList_GET_SIZE(order));
                rc = fresh == NULL || id == NULL || PyList_Append(fresh, index) < 0 || PyDict_SetItem(groups, akey, fresh) < 0
                     || PyDict_SetItem(id_of, akey, id) < 0 || PyList_Append(order, akey) < 0 ? -1 : 0;
                Py_XDECREF(fresh);
                Py_XDECREF(id);
            }
        } else if (rc == 0)
            rc = PyList_Append(group, index);
        if (rc == 0) {
            id = PyDict_GetItemWithError(id_of, akey);
            if (id == NULL)
                rc = -1;
            else
                PyList_SET_ITEM(ids, i, Py_NewRef(id));
        }
        Py_XDECREF(index);
        Py_DECREF(akey);
        if (rc < 0)
            goto done;
    }
    result = PyTuple_Pack(3, groups, order, ids);
done:
    Py_XDECREF(groups);
    Py_XDECREF(order);
    Py_XDECREF(ids);
    Py_XDECREF(id_of);
    return result;
}

/* attr_or(records, name, default) -> [getattr(r, name) or default for r in records] */
static PyObject *py_attr_or(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *records, *name, *fallback;
    if (!PyArg_ParseTuple(args, "O!UO", &PyList_Type, &records, &name, &fallback))
        return NULL;
    int index = record_field_index(name);
    Py_ssize_t n = PyList_GET_SIZE(records);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *raw = record_field(PyList_GET_ITEM(records, i), name, index), *value = NULL;
        if (raw != NULL) {
            value = or_default(raw, fallback);
            Py_DECREF(raw);
        }
        if (value == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, i, value);
    }
    return out;
}

/* param_column(records, key): [r.params.get(key) for r in records] */
static PyObject *py_param_column(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *records, *key;
    if (!PyArg_ParseTuple(args, "O!O", &PyList_Type, &records, &key))
        return NULL;
    static PyObject *params_name = NULL, *get_name = NULL;
    if (params_name == NULL && (params_name = PyUnicode_InternFromString("params")) == NULL)
        return NULL;
    if (get_name == NULL && (get_name = PyUnicode_InternFromString("get")) == NULL)
        return NULL;
    int index = record_field_index(params_name);
    Py_ssize_t n = PyList_GET_SIZE(records);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *params = record_field(PyList_GET_ITEM(records, i), params_name, index), *value;
        if (params == NULL) {
            Py_CLEAR(out);
            break;
        }
        if (PyDict_CheckExact(params)) {
            value = PyDict_GetItemWithError(params, key);
            if (value == NULL && PyErr_Occurred()) {
                Py_DECREF(params);
                Py_CLEAR(out);
                break;
            }
            value = Py_NewRef(value != NULL ? value : Py_None);
        } else
            value = PyObject_CallMethodOneArg(params, get_name, key); /* a mappingproxy or any other mapping */
        Py_DECREF(params);
        if (value == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, i, value);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"configure", py_configure, METH_VARARGS,
     "configure(topic_starts: tuple[str, ...], head_chars, tail_chars): set before any other call"},
    {"templates", py_templates, METH_O,
     "templates(texts) -> [template_of(t) for each ASCII text without ``` fences, None for any other]"},
    {"topics", py_topics, METH_O,
     "topics(texts) -> [topic_of(t) for each ASCII text without ``` fences, False for any other]"},
    {"word_count", py_word_count, METH_O, "word_count(text) -> len(text.split()) for ASCII text, -1 otherwise"},
    {"word_counts", py_word_counts, METH_O, "word_counts(texts) -> [word_count(t) for t in texts]"},
    {"configure_chat", py_configure_chat, METH_O,
     "configure_chat(spec: dict): the structs, record classes and constants of readers/openai_chat.py"},
    {"chat_record", (PyCFunction)(void (*)(void))py_chat_record, METH_FASTCALL,
     "chat_record(envelope, path, line) -> openai_chat._from_envelope's record for the usual envelope, None otherwise"},
    {"cue_sentences", py_cue_sentences, METH_VARARGS,
     "cue_sentences(template, literals) -> the template's sentences holding a literal (LemmaMatcher.template_cue_text)"},
    {"chat_lines", py_chat_lines, METH_VARARGS,
     "chat_lines(lines, start, path, line, pos, end, decode, errors, out) -> (index, pos): records of the usual "
     "openai-chat lines appended to out, up to the first line left to Python"},
    {"similar", (PyCFunction)(void (*)(void))py_similar, METH_FASTCALL,
     "similar(template, first, last, by_block, ratio, cutoff) -> TemplateTable._similar's kept template or None"},
    {"table_evict", py_table_evict, METH_VARARGS,
     "table_evict(counts, alias, by_block) -> None or (alias, by_block, evicted): TemplateTable._evict"},
    {"compare", py_compare, METH_VARARGS,
     "compare(values, idx, op, arg) -> [i for i in idx if type(values[i]) in (int, float) and values[i] <op> arg]"},
    {"accounts", py_accounts, METH_VARARGS,
     "accounts(records, unknown) -> (groups, order, ids): Accumulator.add_batch's grouping by account"},
    {"column", py_column, METH_VARARGS,
     "column(records, name, lengths=False) -> [getattr(r, name) for r in records] (or their len())"},
    {"attr_or", py_attr_or, METH_VARARGS, "attr_or(records, name, default) -> [getattr(r, name) or default for r in records]"},
    {"param_column", py_param_column, METH_VARARGS, "param_column(records, key) -> [r.params.get(key) for r in records]"},
    {"blocks", py_blocks, METH_O, "blocks(template) -> features.blocks(template), for any str"},
    {"table_add", py_table_add, METH_VARARGS,
     "table_add(counts, alias, by_block, templates, start, cap, block_cap, ns=None) -> index of the first template left "
     "to TemplateTable.add (len(templates) when none); ns: records per template (default 1 each)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_native",
    .m_doc = "C versions of the text features in compliance.signals.features (optional; see that module).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__native(void) {
    squeeze_tables();
    for (int c = 0; c < 256; c++)
        start_mask[c] = is_alnum((unsigned char)c) ? 0u : ~0u;
    for (int c = 0; c < 256; c++)
        lower_table[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (PyType_Ready(&literal_set_type) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "LiteralSet", (PyObject *)&literal_set_type) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
