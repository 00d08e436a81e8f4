package dev.emperor.config;

/** How an option's value is parsed (docs/uwsgi-compat.md, "Values"). */
public enum OptionKind {
    /** Repeatable; every occurrence is appended in order ({@code uwsgi_opt_add_string_list}). */
    LIST,
    /** Last occurrence wins ({@code uwsgi_opt_set_str}). */
    STRING,
    /** {@code atoi}-like, must not be negative, last wins ({@code uwsgi_opt_set_int}). */
    INT,
    /** True unless false/off/no/0, last wins ({@code uwsgi_opt_true}). */
    BOOL
}
