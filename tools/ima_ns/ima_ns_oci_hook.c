// SPDX-License-Identifier: GPL-2.0
/* ima-ns-oci-hook: OCI createRuntime hook that gives a container its IMA namespace policy. */

/*
 * The runtime runs the hook after it created the container's namespaces
 * and before the container's process runs the user's program, with the
 * OCI state of the container on stdin.  The annotation
 * org.kernel.ima.namespace.policy names a policy, <policy-dir>/<NAME>.policy.
 * The hook registers the mount namespace of the container's process with
 * IMA (<ima-dir>/namespaces) and loads the policy's rules into
 * <ima-dir>/mntns:<id>/policy, one rule per write(2).  The kernel parses
 * each write as one rule, stages it, and commits the batch at close, or
 * drops it if any write failed; close(2) cannot report which, so the hook
 * reads the rules back where the kernel allows it.  If the policy directory
 * holds <NAME>.mode, the hook then writes the mode it names, "enforce" or
 * "log", to <ima-dir>/mntns:<id>/mode, and reads it back.
 *
 * Every failure prints one line on stderr and exits with status 1, which
 * makes the runtime refuse to start the container.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <linux/types.h>
#include <linux/nsfs.h>
#include <json-c/json.h>

#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID		_IOR(0xb7, 0x5, __u64)
#endif

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434	/* The same on every architecture but alpha. */
#endif

#define PROG			"ima-ns-oci-hook"
#define POLICY_ANNOTATION	"org.kernel.ima.namespace.policy"
#define DEFAULT_POLICY_DIR	"/etc/ima-ns/policies"
#define DEFAULT_IMA_DIR		"/sys/kernel/security/ima"
#define NAME_PATTERN		"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
#define NAME_MAX_LEN		64
#define POLICY_SUFFIX		".policy"
#define MODE_SUFFIX		".mode"
#define STATE_MAX		(1024 * 1024)
#define POLICY_MAX		(64 * 1024)
#define MODE_MAX		32
#define MSG_MAX			4096
/* The stage, and the status that runc and crun pass to its hooks. */
#define CREATE_RUNTIME		"createRuntime ('creating', or 'created' from crun)"
#define NO_IMA_NS \
	"kernel has no IMA namespaces (CONFIG_IMA_NS) or securityfs is not mounted"
#define USAGE \
	"usage: " PROG " [--policy-dir=DIR] [--ima-dir=DIR] [-v] [--help] < OCI-STATE"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };
enum { ARGS_RUN, ARGS_HELP, ARGS_BAD };

struct hook_opts {
	const char *policy_dir;
	const char *ima_dir;
	bool verbose;
};

/* What the hook takes from the OCI state; the strings belong to @root. */
struct oci_state {
	struct json_object *root;
	pid_t pid;
	const char *policy_name;
};

struct policy {
	char path[PATH_MAX];
	char *text;		/* The file, ending in a newline, NUL-terminated. */
	size_t len;		/* Its length, with that newline. */
	unsigned int rules;
	char *mode_path;	/* NAME.mode's path, malloc()ed, NULL without one. */
	const char *mode;	/* "enforce" or "log" from NAME.mode, NULL without one. */
};

/* A file of the policy directory that names a policy: NAME<suffix>. */
struct policy_file {
	const char *what;	/* What the file is, for messages. */
	const char *suffix;
	size_t max;		/* The most bytes it may hold. */
	bool optional;		/* Whether the policy may go without it. */
};

static const struct policy_file rules_file = { "policy", POLICY_SUFFIX, POLICY_MAX, false };
static const struct policy_file mode_file = { "mode file", MODE_SUFFIX, MODE_MAX, true };

/* The modes that NAME.mode may name, as the kernel's mode file takes them. */
static const char mode_enforce[] = "enforce";
static const char mode_log[] = "log";

struct mntns {
	int fd;			/* Held until the policy is loaded and checked. */
	__u64 id;
};

/* The container's id once the state is parsed, for messages. */
static const char *container_id;

/*
 * report(fmt, ...) - print one line on stderr, see print_report().  As with
 * the kernel's no_printk(), the call that never runs has the compiler check
 * the format against the arguments.
 */
#define report(...)					\
	do {						\
		if (0)					\
			fprintf(stderr, __VA_ARGS__);	\
		print_report(__VA_ARGS__);		\
	} while (0)

/**
 * print_report() - print one line on stderr
 * @fmt: printf format of the message, without a newline
 *
 * The line starts with the program name and, once known, the container id.
 * The C0 controls and DEL, which the state or a policy file may hold,
 * become '?', so that every message is a single line.  Bytes from 0x80 on
 * are left alone, C1 controls (0x80-0x9f) included: they are also the
 * continuation bytes of UTF-8, and escaping them would break UTF-8 text.
 */
static void print_report(const char *fmt, ...)
{
	char line[MSG_MAX];
	va_list ap;
	size_t i;
	int n;

	if (container_id)
		n = snprintf(line, sizeof(line), PROG ": container %.128s: ", container_id);
	else
		n = snprintf(line, sizeof(line), PROG ": ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);

	for (i = 0; line[i]; i++) {
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	}
	fprintf(stderr, "%s\n", line);
}

static void print_help(void)
{
	fputs(USAGE "\n"
	      "OCI createRuntime hook: reads the OCI state of a container on stdin, registers\n"
	      "the mount namespace of its process with IMA and loads the appraisal policy\n"
	      "DIR/NAME.policy that the annotation " POLICY_ANNOTATION "=NAME names;\n"
	      "then, if there is a file DIR/NAME.mode, the policy's mode: enforce or log.\n"
	      "  --policy-dir=DIR  policy directory (default " DEFAULT_POLICY_DIR ")\n"
	      "  --ima-dir=DIR     IMA securityfs directory (default " DEFAULT_IMA_DIR ")\n"
	      "  -v                print one line on success\n"
	      "  --help            print this help and exit\n"
	      "Exit status: 0 loaded, 1 failure (one line on stderr), 2 usage error.\n",
	      stdout);
}

/**
 * dir_option() - match an option of the form NAME=DIR
 * @arg: the command line argument
 * @name: the option, with its '='
 * @dir: set to the directory when @arg is that option
 *
 * Return: true if @arg is the option @name.
 */
static bool dir_option(const char *arg, const char *name, const char **dir)
{
	size_t len = strlen(name);

	if (strncmp(arg, name, len))
		return false;
	*dir = arg + len;
	return true;
}

/**
 * parse_args() - parse the command line into @opts
 * @argc: argument count
 * @argv: arguments; argv[0] is the program name
 * @opts: the options, holding their defaults
 *
 * Return: ARGS_RUN, ARGS_HELP once --help printed the help, or ARGS_BAD
 * once a usage error was reported.
 */
static int parse_args(int argc, char **argv, struct hook_opts *opts)
{
	const char *dir = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--help")) {
			print_help();
			return ARGS_HELP;
		}
		if (!strcmp(arg, "-v")) {
			opts->verbose = true;
			continue;
		}
		if (dir_option(arg, "--policy-dir=", &dir))
			opts->policy_dir = dir;
		else if (dir_option(arg, "--ima-dir=", &dir))
			opts->ima_dir = dir;
		else
			dir = NULL;
		if (!dir || !*dir) {
			report("%s argument '%s'; " USAGE, dir ? "empty directory in" : "unknown",
			       arg);
			return ARGS_BAD;
		}
	}
	return ARGS_RUN;
}

/**
 * read_fd() - read a descriptor to its end into a new buffer
 * @fd: the descriptor
 * @max: the most bytes accepted
 * @bufp: set to a malloc()ed buffer holding the bytes and a NUL, with room
 *	for one more byte before the NUL
 * @lenp: set to the number of bytes read
 *
 * Return: 0, -EFBIG if @fd holds more than @max bytes, or another -errno.
 */
static int read_fd(int fd, size_t max, char **bufp, size_t *lenp)
{
	size_t len = 0;
	ssize_t n;
	char *buf;

	buf = malloc(max + 2);
	if (!buf)
		return -ENOMEM;
	while ((n = read(fd, buf + len, max + 1 - len))) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || len + n > max) {
			int err = n < 0 ? -errno : -EFBIG;

			free(buf);
			return err;
		}
		len += n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

/**
 * parse_json() - parse the OCI state text into a JSON object
 * @text: the state, NUL-terminated
 * @len: its length, without the NUL
 *
 * Return: the object, or NULL once an error was reported.
 */
static struct json_object *parse_json(const char *text, size_t len)
{
	enum json_tokener_error jerr;
	struct json_object *root;
	struct json_tokener *tok;

	tok = json_tokener_new();
	if (!tok) {
		report("out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* The NUL ends the input, so that a trailing number is complete. */
	root = json_tokener_parse_ex(tok, text, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	if (jerr != json_tokener_success) {
		report("OCI state on stdin is not valid JSON: %s",
		       json_tokener_error_desc(jerr));
	} else if (json_tokener_get_parse_end(tok) != len) {
		/* Strict parsing refuses trailing text but stops at a NUL. */
		report("OCI state on stdin is not valid JSON: NUL byte at offset %zu",
		       json_tokener_get_parse_end(tok));
		json_object_put(root);
		root = NULL;
	} else if (!json_object_is_type(root, json_type_object)) {
		report("OCI state on stdin is not a JSON object");
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

/**
 * state_id() - take the container id from the state, for messages
 * @root: the state
 *
 * Return: 0, or -1 once an error was reported.
 */
static int state_id(struct json_object *root)
{
	struct json_object *val;

	if (!json_object_object_get_ex(root, "id", &val))
		return 0;
	if (!json_object_is_type(val, json_type_string)) {
		report("\"id\" in the OCI state is not a string");
		return -1;
	}
	if (json_object_get_string_len(val))
		container_id = json_object_get_string(val);
	return 0;
}

/**
 * state_status() - check that the runtime runs the hook at createRuntime
 * @root: the state
 *
 * runc passes "creating" to createRuntime hooks and crun passes "created".
 * Any other status is a later stage ("running" for poststart), when the
 * container's program may already run without its policy.  The other
 * stages that see one of these two (runc's createContainer and
 * startContainer, crun's createContainer) run in the container's mount
 * namespace, which open_mntns() refuses.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int state_status(struct json_object *root)
{
	struct json_object *val;
	const char *status;
	size_t len;

	if (!json_object_object_get_ex(root, "status", &val)) {
		report("OCI state has no \"status\"; the hook must run at createRuntime");
		return -1;
	}
	if (!json_object_is_type(val, json_type_string)) {
		report("\"status\" in the OCI state is not a string");
		return -1;
	}
	status = json_object_get_string(val);
	len = json_object_get_string_len(val);
	/* strcmp() alone would take "creating\0x" for "creating". */
	if (len != strlen(status) || (strcmp(status, "creating") && strcmp(status, "created"))) {
		report("hook run at status '%.32s', not at " CREATE_RUNTIME, status);
		return -1;
	}
	return 0;
}

/**
 * state_pid() - take the pid of the container's process from the state
 * @root: the state
 * @pid: set to the pid
 *
 * Return: 0, or -1 once an error was reported.
 */
static int state_pid(struct json_object *root, pid_t *pid)
{
	struct json_object *val;
	long long v;

	if (!json_object_object_get_ex(root, "pid", &val)) {
		report("OCI state has no \"pid\"");
		return -1;
	}
	v = json_object_get_int64(val);
	if (!json_object_is_type(val, json_type_int) || v <= 0 || v > INT_MAX) {
		report("\"pid\" in the OCI state is not a positive integer: %.64s",
		       json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

/**
 * valid_name() - check a policy name against NAME_PATTERN
 * @name: the name
 * @len: its length; it may hold a NUL
 *
 * Return: true if @name can only name a file of the policy directory.
 */
static bool valid_name(const char *name, size_t len)
{
	size_t i;

	if (!len || len > NAME_MAX_LEN)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i == 0 || (c != '.' && c != '_' && c != '-'))
			return false;
	}
	return true;
}

/**
 * state_policy_name() - take the policy name from the state's annotation
 * @root: the state
 * @name: set to the name
 *
 * Return: 0, or -1 once an error was reported.
 */
static int state_policy_name(struct json_object *root, const char **name)
{
	struct json_object *annotations, *val;
	size_t len;

	if (!json_object_object_get_ex(root, "annotations", &annotations)) {
		report("OCI state has no \"annotations\"; " POLICY_ANNOTATION " is required");
		return -1;
	}
	if (!json_object_is_type(annotations, json_type_object)) {
		report("\"annotations\" in the OCI state is not an object");
		return -1;
	}
	if (!json_object_object_get_ex(annotations, POLICY_ANNOTATION, &val)) {
		report("annotation " POLICY_ANNOTATION " is not set");
		return -1;
	}
	if (!json_object_is_type(val, json_type_string)) {
		report("annotation " POLICY_ANNOTATION " is not a string");
		return -1;
	}
	len = json_object_get_string_len(val);
	*name = json_object_get_string(val);
	if (!len) {
		report("annotation " POLICY_ANNOTATION " is empty");
		return -1;
	}
	if (!valid_name(*name, len)) {
		report("annotation " POLICY_ANNOTATION ": bad policy name '%.80s' (want "
		       NAME_PATTERN ")", *name);
		return -1;
	}
	return 0;
}

/**
 * read_state() - read and check the OCI state on stdin
 * @st: filled in; @st->root must be put by the caller
 *
 * Return: 0, or -1 once an error was reported.
 */
static int read_state(struct oci_state *st)
{
	size_t len;
	char *text;
	int err;

	err = read_fd(STDIN_FILENO, STATE_MAX, &text, &len);
	if (err == -EFBIG) {
		report("OCI state on stdin is too large (more than %d bytes)", STATE_MAX);
		return -1;
	}
	if (err) {
		report("cannot read the OCI state on stdin: %s", strerror(-err));
		return -1;
	}
	st->root = parse_json(text, len);
	free(text);
	if (!st->root || state_id(st->root) || state_status(st->root) ||
	    state_pid(st->root, &st->pid) || state_policy_name(st->root, &st->policy_name))
		return -1;
	return 0;
}

/**
 * next_rule() - find the next rule line of a policy
 * @pol: the policy
 * @pos: offset to search from; moved past the line found
 * @lineno: number of the line before @pos; updated
 * @rule: set to the first byte of the line found
 *
 * Blank lines and lines whose first non-blank is '#' are skipped, as the
 * kernel's parser does.  A rule line is returned as it is, including its
 * leading blanks; the newline follows it in @pol->text.
 *
 * Return: the length of the rule line without its newline, or 0 at the end.
 */
static size_t next_rule(const struct policy *pol, size_t *pos, unsigned int *lineno,
			const char **rule)
{
	while (*pos < pol->len) {
		const char *line = pol->text + *pos;
		const char *nl = memchr(line, '\n', pol->len - *pos);
		size_t len = nl - line, lead = 0;

		*pos += len + 1;
		++*lineno;
		while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
			lead++;
		if (lead < len && line[lead] != '#') {
			*rule = line;
			return len;
		}
	}
	return 0;
}

/**
 * check_crlf() - refuse a policy whose lines end in a carriage return
 * @pol: the policy, read
 *
 * The kernel splits a rule at blanks only: a carriage return would end
 * the value of the rule's last condition.  Most values would be refused,
 * but a string one, such as fsname=, would be taken with it and never
 * match.  A file with CRLF line ends is refused whole, comments included.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int check_crlf(const struct policy *pol)
{
	const char *cr = memmem(pol->text, pol->len, "\r\n", 2);
	unsigned int lineno = 1;
	const char *p;

	if (!cr)
		return 0;
	for (p = pol->text; p < cr; p++)
		lineno += *p == '\n';
	report("%s: line %u ends with a carriage return (CRLF file?)", pol->path, lineno);
	return -1;
}

/**
 * check_rules() - count a policy's rules and check that the kernel can take them
 * @pol: the policy, read
 *
 * The kernel takes at most a page less one byte per write and stops a rule
 * at a NUL: refuse such lines here rather than let the kernel see a part.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int check_rules(struct policy *pol)
{
	size_t pos = 0, len, max = (size_t)sysconf(_SC_PAGESIZE) - 2;
	unsigned int lineno = 0;
	const char *rule;

	if (check_crlf(pol))
		return -1;

	while ((len = next_rule(pol, &pos, &lineno, &rule))) {
		if (memchr(rule, '\0', len)) {
			report("%s:%u: NUL byte in rule", pol->path, lineno);
			return -1;
		}
		if (len > max) {
			report("%s:%u: rule longer than %zu bytes", pol->path, lineno, max);
			return -1;
		}
		pol->rules++;
	}
	if (!pol->rules) {
		report("policy %s has no rules", pol->path);
		return -1;
	}
	return 0;
}

/**
 * check_owner() - refuse a file that others than root or the hook could change
 * @st: the file's status
 * @what: what the file is, for messages
 * @path: its path, for messages
 *
 * As sudo does for its files: the owner must be root or the hook's
 * effective uid, and the mode must not let the group or others write.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int check_owner(const struct stat *st, const char *what, const char *path)
{
	unsigned int uid = st->st_uid, euid = geteuid();

	if (uid && uid != euid) {
		if (euid)
			report("%s %s is owned by uid %u, not by root nor by uid %u, the hook's",
			       what, path, uid, euid);
		else
			report("%s %s is owned by uid %u, not by root", what, path, uid);
		return -1;
	}
	if (st->st_mode & 0022) {
		report("%s %s is writable by group or others (mode %04o)", what, path,
		       (unsigned int)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

/**
 * read_checked_fd() - read a file of the policy directory that is open
 * @fd: the open file
 * @pf: which file it is
 * @path: its path, for messages
 * @textp: set to a malloc()ed buffer, see read_fd()
 * @lenp: set to the number of bytes read
 *
 * Return: 0, or -1 once an error was reported.
 */
static int read_checked_fd(int fd, const struct policy_file *pf, const char *path,
			   char **textp, size_t *lenp)
{
	struct stat st;
	int err;

	if (fstat(fd, &st)) {
		report("cannot stat %s %s: %s", pf->what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		report("%s %s is not a regular file", pf->what, path);
		return -1;
	}
	if (check_owner(&st, pf->what, path))
		return -1;
	err = st.st_size > (off_t)pf->max ? -EFBIG : read_fd(fd, pf->max, textp, lenp);
	if (err == -EFBIG) {
		report("%s %s is too large (more than %zu bytes)", pf->what, path, pf->max);
		return -1;
	}
	if (err) {
		report("cannot read %s %s: %s", pf->what, path, strerror(-err));
		return -1;
	}
	return 0;
}

/**
 * read_policy_file() - read a file of the policy directory that names a policy
 * @dirfd: the policy directory, see open_policy_dir()
 * @dir: its path
 * @name: the policy name, checked by valid_name()
 * @pf: which file to read
 * @path: set to the file's path, PATH_MAX bytes, unless it is optional
 *	and missing
 * @textp: set to a malloc()ed buffer holding the file, see read_fd()
 * @lenp: set to the file's length
 *
 * The file is opened in the directory that was checked, so that the
 * directory cannot be swapped in between, is not followed if it is a
 * symbolic link, and must be a regular file that only root or the hook's
 * effective uid may change (check_owner()).
 *
 * Return: 0, 1 if @pf is optional and there is no such file, or -1 once an
 * error was reported.
 */
static int read_policy_file(int dirfd, const char *dir, const char *name,
			    const struct policy_file *pf, char *path, char **textp, size_t *lenp)
{
	char file[NAME_MAX_LEN + 16];
	int n, fd, err;

	/* valid_name() bounds @name, and the suffixes are short. */
	snprintf(file, sizeof(file), "%s%s", name, pf->suffix);
	/* Non-blocking, so that a FIFO does not hang the hook before fstat(). */
	fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && pf->optional)
		return 1;
	n = snprintf(path, PATH_MAX, "%s/%s", dir, file);
	if (n < 0 || n >= PATH_MAX) {
		report("%s path %s/%s is too long", pf->what, dir, file);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0 && errno == ELOOP) {
		report("%s %s is a symbolic link, which is not followed", pf->what, path);
		return -1;
	}
	if (fd < 0) {
		report("cannot open %s %s: %s", pf->what, path, strerror(errno));
		return -1;
	}
	err = read_checked_fd(fd, pf, path, textp, lenp);
	close(fd);
	return err;
}

/**
 * read_rules() - read the rules of a policy, NAME.policy
 * @dirfd: the policy directory, see open_policy_dir()
 * @dir: its path
 * @name: the policy name
 * @pol: the policy; fills in its path, text, length and rule count
 *
 * Return: 0, or -1 once an error was reported.
 */
static int read_rules(int dirfd, const char *dir, const char *name, struct policy *pol)
{
	if (read_policy_file(dirfd, dir, name, &rules_file, pol->path, &pol->text, &pol->len))
		return -1;
	/* read_fd() left room for it: every line ends in a newline. */
	if (pol->len && pol->text[pol->len - 1] != '\n') {
		pol->text[pol->len++] = '\n';
		pol->text[pol->len] = '\0';
	}
	return check_rules(pol);
}

/**
 * open_policy_dir() - open the policy directory and check who may change it
 * @dir: the policy directory
 *
 * The directory may be reached through symbolic links; the directory
 * itself is checked, not its parents.
 *
 * Return: an O_PATH descriptor, or -1 once an error was reported.
 */
static int open_policy_dir(const char *dir)
{
	struct stat st;
	int fd;

	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		report("cannot open policy directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		report("cannot stat policy directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (check_owner(&st, "policy directory", dir))
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/**
 * find_mode() - find a mode by its name, which may end in one newline
 * @text: the name, NUL-terminated; its newline is cut off
 * @len: its length
 *
 * Return: mode_enforce, mode_log, or NULL.
 */
static const char *find_mode(char *text, size_t len)
{
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	if (!strcmp(text, mode_enforce))
		return mode_enforce;
	if (!strcmp(text, mode_log))
		return mode_log;
	return NULL;
}

/**
 * read_mode() - read the mode of a policy, NAME.mode, if there is one
 * @dirfd: the policy directory, see open_policy_dir()
 * @dir: its path
 * @name: the policy name
 * @pol: the policy; fills in its mode path and mode, which stays NULL
 *	without NAME.mode
 *
 * The file holds "enforce" or "log", with at most one newline after it,
 * as the kernel's mode file takes them.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int read_mode(int dirfd, const char *dir, const char *name, struct policy *pol)
{
	char path[PATH_MAX], *text;
	size_t len;
	int err;

	err = read_policy_file(dirfd, dir, name, &mode_file, path, &text, &len);
	if (err)
		return err > 0 ? 0 : -1;
	pol->mode_path = strdup(path);
	if (!pol->mode_path) {
		report("out of memory");
		free(text);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		report("%s: NUL byte in mode", pol->mode_path);
	} else {
		pol->mode = find_mode(text, len);
		if (!pol->mode)
			report("%s: bad mode '%s' (want enforce or log)", pol->mode_path, text);
	}
	free(text);
	return pol->mode ? 0 : -1;
}

/**
 * read_policy() - read the policy a name designates in the policy directory
 * @dir: the policy directory
 * @name: the policy name, checked by valid_name()
 * @pol: filled in; @pol->text must be freed by the caller
 *
 * Return: 0, or -1 once an error was reported.
 */
static int read_policy(const char *dir, const char *name, struct policy *pol)
{
	int dirfd, err;

	dirfd = open_policy_dir(dir);
	if (dirfd < 0)
		return -1;
	err = read_rules(dirfd, dir, name, pol);
	if (!err)
		err = read_mode(dirfd, dir, name, pol);
	close(dirfd);
	return err;
}

/**
 * check_alive() - check that the process a pidfd refers to has not exited
 * @pidfd: the pidfd
 * @pid: its pid, for messages
 *
 * Return: 0 if it runs, or -1 once an error was reported.
 */
static int check_alive(int pidfd, pid_t pid)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int n;

	n = poll(&pfd, 1, 0);
	if (n < 0) {
		report("cannot poll the pidfd of process %d: %s", pid, strerror(errno));
		return -1;
	}
	if (n > 0) {
		report("container process %d is gone", pid);
		return -1;
	}
	return 0;
}

/**
 * open_pid_mntns() - open the mount namespace of the container's process
 * @pid: the process
 *
 * That "pid" still names the container's process rests on the runtime:
 * the process is the runtime's child, and the runtime does not reap it
 * before the hook returns, so its pid cannot be reused meanwhile, even if
 * it died.  The pidfd cannot detect a reuse before pidfd_open().  What it
 * adds: the process is checked, through the pidfd, not to have exited
 * once its namespace is open, so that the hook takes neither the namespace
 * of a process that is gone nor, should the pid be reused after
 * pidfd_open(), that of another process.
 *
 * Return: an nsfs descriptor, or -1 once an error was reported.
 */
static int open_pid_mntns(pid_t pid)
{
	char path[64];
	int pidfd, fd, err;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		if (errno == ESRCH)
			report("container process %d is gone", pid);
		else
			report("pidfd_open(%d): %s", pid, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = errno;
	if (check_alive(pidfd, pid)) {
		if (fd >= 0)
			close(fd);
		fd = -1;
	} else if (fd < 0) {
		report("cannot open %s: %s", path, strerror(err));
	}
	close(pidfd);
	return fd;
}

/**
 * open_mntns() - find the mount namespace of the container's process
 * @pid: the container's process
 * @ns: set to the namespace
 *
 * Return: 0, or -1 once an error was reported.
 */
static int open_mntns(pid_t pid, struct mntns *ns)
{
	struct stat self, st;
	__u64 id;
	int fd;

	fd = open_pid_mntns(pid);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || stat("/proc/self/ns/mnt", &self)) {
		report("cannot stat mount namespaces: %s", strerror(errno));
		goto fail;
	}
	if (st.st_dev == self.st_dev && st.st_ino == self.st_ino) {
		report("the container has no mount namespace of its own (pid %d)", pid);
		goto fail;
	}
	if (ioctl(fd, NS_GET_MNTNS_ID, &id)) {
		report("cannot get the mount namespace id of process %d: %s", pid,
		       strerror(errno));
		goto fail;
	}
	ns->fd = fd;
	ns->id = id;
	return 0;
fail:
	close(fd);
	return -1;
}

/**
 * open_ima_file() - open a file of the IMA securityfs directory
 * @ima_dir: the IMA securityfs directory
 * @name: the file's name in it
 * @flags: open(2) flags, to which O_CLOEXEC is added
 * @path: set to the file's path, PATH_MAX bytes
 *
 * Return: the descriptor, -ENAMETOOLONG, or the -errno of open(2).
 */
static int open_ima_file(const char *ima_dir, const char *name, int flags, char *path)
{
	int fd;

	if ((size_t)snprintf(path, PATH_MAX, "%s/%s", ima_dir, name) >= PATH_MAX)
		return -ENAMETOOLONG;
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * open_registry() - open the IMA file that registers mount namespaces
 * @ima_dir: the IMA securityfs directory
 *
 * Return: the descriptor, or -1 once an error was reported.
 */
static int open_registry(const char *ima_dir)
{
	char path[PATH_MAX];
	int fd = open_ima_file(ima_dir, "namespaces", O_WRONLY, path);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT)
		report("no %s: " NO_IMA_NS, path);
	else if (fd == -EACCES || fd == -EPERM)
		report("cannot open %s: %s (needs root with CAP_SYS_ADMIN)", path,
		       strerror(-fd));
	else
		report("cannot open %s/namespaces: %s", ima_dir, strerror(-fd));
	return -1;
}

/**
 * register_mntns() - register a mount namespace for a policy of its own
 * @regfd: the open registry, see open_registry()
 * @ns: the namespace
 *
 * Return: 0, or -1 once an error was reported.
 */
static int register_mntns(int regfd, const struct mntns *ns)
{
	const char *why;
	char buf[64];
	ssize_t n;
	int len;

	len = snprintf(buf, sizeof(buf), "mntns:%llu\n", (unsigned long long)ns->id);
	do
		n = write(regfd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n == len)
		return 0;

	if (n >= 0)
		why = "short write";
	else if (errno == EOPNOTSUPP)
		why = "kernel not booted with ima_appraise=enforce_ns";
	else if (errno == ENOENT)
		why = "mount namespace is gone";
	else if (errno == EEXIST)
		why = "mount namespace already registered";
	else if (errno == EPERM)
		why = "needs CAP_SYS_ADMIN in the initial user namespace";
	else
		why = strerror(errno);
	report("cannot register mntns:%llu: %s", (unsigned long long)ns->id, why);
	return -1;
}

/**
 * write_rule() - write one rule line in a single write(2)
 * @fd: the policy file
 * @pol: the policy, for messages
 * @lineno: the rule's line number, for messages
 * @rule: the rule, followed by its newline
 * @len: its length without the newline
 *
 * The kernel parses every write as the start of a new rule, so a line
 * must go in one write: the rest of a short one would be taken as another
 * rule.  Nor is EINTR retried: an interrupted write has marked the batch
 * failed, and the kernel will drop it at close.  Either is a failure.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int write_rule(int fd, const struct policy *pol, unsigned int lineno, const char *rule,
		      size_t len)
{
	ssize_t n = write(fd, rule, len + 1);

	if (n == (ssize_t)len + 1)
		return 0;
	if (n >= 0)
		report("%s:%u: short write (%zd of %zu bytes): %.*s", pol->path, lineno, n,
		       len + 1, (int)len, rule);
	else if (errno == EINTR)
		report("%s:%u: interrupted, the kernel drops the rules: %.*s", pol->path,
		       lineno, (int)len, rule);
	else
		report("%s:%u: rule refused (%s): %.*s", pol->path, lineno, strerror(errno),
		       (int)len, rule);
	return -1;
}

/**
 * open_ns_policy() - open the policy file of a registered mount namespace
 * @ima_dir: the IMA securityfs directory
 * @ns: the namespace
 * @path: set to the file's path, PATH_MAX bytes
 *
 * Return: the descriptor, or -1 once an error was reported.
 */
static int open_ns_policy(const char *ima_dir, const struct mntns *ns, char *path)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "mntns:%llu/policy", (unsigned long long)ns->id);
	fd = open_ima_file(ima_dir, name, O_WRONLY, path);
	if (fd >= 0)
		return fd;
	if (fd == -ENOENT)
		report("cannot open %s: mount namespace is gone", path);
	else if (fd == -EBUSY)
		report("cannot open %s: another process is loading rules", path);
	else
		report("cannot open %s/%s: %s", ima_dir, name, strerror(-fd));
	return -1;
}

/**
 * check_in_force() - read a namespace's rules back and count them
 * @path: the namespace's policy file
 * @pol: the policy loaded
 *
 * The kernel shows one rule per line.  The namespace was registered by
 * the hook, so it holds the rules loaded, all of them, or none if the
 * kernel dropped the batch.  A kernel without CONFIG_IMA_READ_POLICY
 * refuses to open the file for reading with EACCES: then nothing is
 * checked.  Any other failure to read the rules back is one.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int check_in_force(const char *path, const struct policy *pol)
{
	/* More text than a page per rule loaded is more rules than loaded. */
	size_t len, max = ((size_t)pol->rules + 1) * (size_t)sysconf(_SC_PAGESIZE);
	unsigned int rules = 0;
	char *text, *line;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		return 0;
	if (fd < 0) {
		report("cannot open %s to read the rules back: %s", path, strerror(errno));
		return -1;
	}
	err = read_fd(fd, max, &text, &len);
	close(fd);
	if (err == -EFBIG) {
		report("policy not in force: %s shows more than the %u rules loaded", path,
		       pol->rules);
		return -1;
	}
	if (err) {
		report("cannot read the rules back from %s: %s", path, strerror(-err));
		return -1;
	}
	for (line = text + strspn(text, "\n"); *line; line += strspn(line, "\n")) {
		rules++;
		line += strcspn(line, "\n");
	}
	free(text);
	if (rules != pol->rules) {
		report("policy not in force: %s shows %u rules, %u were loaded", path, rules,
		       pol->rules);
		return -1;
	}
	return 0;
}

/**
 * load_policy() - load a policy's rules into a registered mount namespace
 * @ima_dir: the IMA securityfs directory
 * @ns: the namespace
 * @pol: the policy
 *
 * The kernel commits the rules at the last close of the file, before
 * close(2) returns, or drops them all if a write failed; close(2) does
 * not tell which, check_in_force() does.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int load_policy(const char *ima_dir, const struct mntns *ns, const struct policy *pol)
{
	unsigned int lineno = 0;
	char path[PATH_MAX];
	const char *rule;
	size_t pos = 0, len;
	int fd;

	fd = open_ns_policy(ima_dir, ns, path);
	if (fd < 0)
		return -1;
	while ((len = next_rule(pol, &pos, &lineno, &rule))) {
		if (write_rule(fd, pol, lineno, rule, len)) {
			close(fd);
			return -1;
		}
	}
	if (close(fd)) {
		report("cannot close %s: %s", path, strerror(errno));
		return -1;
	}
	return check_in_force(path, pol);
}

/**
 * write_mode() - write a mode to a namespace's mode file in a single write(2)
 * @fd: the mode file, open for writing
 * @path: its path, for messages
 * @mode: the mode
 *
 * Return: 0, or -1 once an error was reported.
 */
static int write_mode(int fd, const char *path, const char *mode)
{
	char buf[16];
	const char *why;
	ssize_t n;
	int len;

	len = snprintf(buf, sizeof(buf), "%s\n", mode);
	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n == len)
		return 0;
	if (n >= 0)
		why = "short write";
	else if (errno == ENOENT)
		why = "mount namespace is gone";
	else if (errno == EPERM)
		why = "needs CAP_SYS_ADMIN in the initial user namespace";
	else
		why = strerror(errno);
	report("cannot write mode %s to %s: %s", mode, path, why);
	return -1;
}

/**
 * check_mode() - read a namespace's mode back and compare it to the mode written
 * @path: the namespace's mode file
 * @mode: the mode written
 *
 * Return: 0, or -1 once an error was reported.
 */
static int check_mode(const char *path, const char *mode)
{
	const char *shown;
	size_t len;
	char *text;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		report("cannot open %s to read the mode back: %s", path, strerror(errno));
		return -1;
	}
	err = read_fd(fd, MODE_MAX, &text, &len);
	close(fd);
	if (err == -EFBIG) {
		report("mode not in force: %s shows more than %d bytes, %s was written", path,
		       MODE_MAX, mode);
		return -1;
	}
	if (err) {
		report("cannot read the mode back from %s: %s", path, strerror(-err));
		return -1;
	}
	shown = find_mode(text, len);
	if (shown != mode) {
		report("mode not in force: %s shows %s, %s was written", path,
		       *text ? text : "nothing", mode);
		err = -1;
	}
	free(text);
	return err;
}

/**
 * set_mode() - put a namespace's policy in the mode that NAME.mode names
 * @ima_dir: the IMA securityfs directory
 * @ns: the namespace, whose policy is loaded
 * @pol: the policy, with its mode
 * @path: set to the namespace's mode file, PATH_MAX bytes
 *
 * A kernel without per-namespace modes has no mode file: there every
 * policy enforces, which is what "enforce" asks for, but not "log".
 *
 * Return: 0 once the mode is in force, 1 if the mode is "enforce" and the
 * kernel has no mode file, or -1 once an error was reported.
 */
static int set_mode(const char *ima_dir, const struct mntns *ns, const struct policy *pol,
		    char *path)
{
	char name[64], *slash;
	struct stat st;
	int fd, err;

	snprintf(name, sizeof(name), "mntns:%llu/mode", (unsigned long long)ns->id);
	fd = open_ima_file(ima_dir, name, O_WRONLY, path);
	if (fd == -ENOENT) {
		/* Without the namespace's directory, the namespace is gone. */
		slash = strrchr(path, '/');
		*slash = '\0';
		err = stat(path, &st) && errno == ENOENT;
		*slash = '/';
		if (err) {
			report("cannot open %s: mount namespace is gone", path);
			return -1;
		}
		if (pol->mode == mode_enforce)
			return 1;
		report("%s asks for %s mode, but there is no %s: kernel without namespace modes",
		       pol->mode_path, pol->mode, path);
		return -1;
	}
	if (fd < 0) {
		report("cannot open %s: %s%s", path, strerror(-fd), fd == -EACCES || fd == -EPERM ?
		       " (needs root with CAP_SYS_ADMIN)" : "");
		return -1;
	}
	if (write_mode(fd, path, pol->mode)) {
		close(fd);
		return -1;
	}
	if (close(fd)) {
		report("cannot close %s: %s", path, strerror(errno));
		return -1;
	}
	return check_mode(path, pol->mode);
}

/**
 * report_applied() - print the line of -v once the policy is in force
 * @ns: the namespace
 * @pid: the container's process
 * @pol: the policy
 * @no_mode: the mode file that the kernel lacks, where NAME.mode named
 *	"enforce", or NULL
 */
static void report_applied(const struct mntns *ns, pid_t pid, const struct policy *pol,
			   const char *no_mode)
{
	char mode[2 * PATH_MAX + 64] = "";

	if (pol->mode && no_mode)
		snprintf(mode, sizeof(mode),
			 ", mode %s from %s (the kernel's only mode: it has no %s)", pol->mode,
			 pol->mode_path, no_mode);
	else if (pol->mode)
		snprintf(mode, sizeof(mode), ", mode %s from %s", pol->mode, pol->mode_path);
	report("registered mntns:%llu (pid %d), loaded %u rule%s from %s%s",
	       (unsigned long long)ns->id, pid, pol->rules, pol->rules == 1 ? "" : "s", pol->path,
	       mode);
}

/**
 * apply_policy() - register the container's mount namespace and load a policy
 * @opts: the options
 * @pid: the container's process
 * @pol: the policy, read and checked
 *
 * The registry is opened first, so that a kernel without the feature is
 * reported as such whatever the state of the container.  The namespace
 * stays open until the rules are loaded and checked, and the mode that
 * NAME.mode names is set and checked, which keeps it alive meanwhile.
 *
 * Return: 0, or -1 once an error was reported.
 */
static int apply_policy(const struct hook_opts *opts, pid_t pid, const struct policy *pol)
{
	struct mntns ns = { .fd = -1 };
	char *mode_path = NULL;
	int regfd, err;

	regfd = open_registry(opts->ima_dir);
	if (regfd < 0)
		return -1;
	err = open_mntns(pid, &ns);
	if (!err)
		err = register_mntns(regfd, &ns);
	close(regfd);
	if (err)
		goto out;
	err = load_policy(opts->ima_dir, &ns, pol);
	/* Off the stack: most policies have no mode file. */
	if (!err && pol->mode) {
		mode_path = malloc(PATH_MAX);
		if (!mode_path)
			report("out of memory");
		err = mode_path ? set_mode(opts->ima_dir, &ns, pol, mode_path) : -1;
	}
	if (err >= 0 && opts->verbose)
		report_applied(&ns, pid, pol, err ? mode_path : NULL);
out:
	if (ns.fd >= 0)
		close(ns.fd);
	free(mode_path);
	return err < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct hook_opts opts = {
		.policy_dir = DEFAULT_POLICY_DIR,
		.ima_dir = DEFAULT_IMA_DIR,
	};
	struct oci_state st = { 0 };
	struct policy pol = { 0 };
	int status = EXIT_FAIL;

	switch (parse_args(argc, argv, &opts)) {
	case ARGS_HELP:
		return EXIT_OK;
	case ARGS_BAD:
		return EXIT_USAGE;
	}

	if (!read_state(&st) && !read_policy(opts.policy_dir, st.policy_name, &pol) &&
	    !apply_policy(&opts, st.pid, &pol))
		status = EXIT_OK;

	free(pol.text);
	free(pol.mode_path);
	json_object_put(st.root);
	return status;
}
