#ifndef SWITCHBOARD_CNCURSESW_SHIM_H
#define SWITCHBOARD_CNCURSESW_SHIM_H

// The only C in Switchboard: ncursesw's wide-character API, and the few macros and globals
// Swift cannot import, wrapped in static inline functions. Only CursesBackend.swift calls these.

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// MARK: - Macros and globals

static inline WINDOW *sb_stdscr(void) { return stdscr; }
static inline int sb_lines(void) { return LINES; }
static inline int sb_cols(void) { return COLS; }
static inline int sb_key_resize(void) { return KEY_RESIZE; }
static inline int sb_err(void) { return ERR; }
static inline int sb_key_code_yes(void) { return KEY_CODE_YES; }
static inline attr_t sb_a_bold(void) { return A_BOLD; }
static inline attr_t sb_a_reverse(void) { return A_REVERSE; }
static inline attr_t sb_a_dim(void) { return A_DIM; }
static inline attr_t sb_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sb_a_normal(void) { return A_NORMAL; }

// MARK: - Setup

/// The locale must come from the environment before initscr, or wide characters are mangled.
static inline void sb_use_environment_locale(void) { setlocale(LC_ALL, ""); }

// MARK: - Drawing

/// Draws `count` wide characters at (y, x) with attributes and a colour pair.
static inline int sb_draw(int y, int x, const wchar_t *text, int count, attr_t attrs, short pair) {
    attr_set(attrs, pair, NULL);
    int result = mvaddnwstr(y, x, text, count);
    attr_set(A_NORMAL, 0, NULL);
    return result;
}

/// Reads one key: a character (returns OK) or a function key (returns KEY_CODE_YES).
static inline int sb_read_key(wint_t *key) { return get_wch(key); }
static inline int sb_key_mouse(void) { return KEY_MOUSE; }

/// Writes the console's own control text (the title) straight to the terminal, after what
/// curses has already flushed there.
static inline void sb_write_terminal(const char *text) {
    fputs(text, stdout);
    fflush(stdout);
}

// MARK: - Mouse

/// Asks the terminal for button presses and the wheel (no motion: nothing to track), with no
/// click interval, so a press is reported at once.
static inline void sb_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}

/// The pending mouse event: 1 for a left press or click, 4 for the wheel up, 5 for the wheel
/// down, 0 for anything else; -1 when there was none.
static inline int sb_read_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x;
    *y = event.y;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 4;
    if (event.bstate & BUTTON5_PRESSED) return 5;
    return 0;
}

// MARK: - Terminal restore on signals

/// The terminal modes from before the console started, restored by the crash handler.
/// (Function-local statics: Swift emits the inline functions, not a header's globals.)
static inline struct termios *sb_saved_modes(void) {
    static struct termios modes;
    return &modes;
}

static inline volatile sig_atomic_t *sb_saved_modes_valid(void) {
    static volatile sig_atomic_t valid = 0;
    return &valid;
}

/// Saves the terminal modes of stdin; call before initscr.
static inline void sb_save_terminal_modes(void) {
    if (tcgetattr(STDIN_FILENO, sb_saved_modes()) == 0) *sb_saved_modes_valid() = 1;
}

/// Restores the saved modes and undoes what curses did to the screen, using only
/// async-signal-safe calls: leave the alternate screen, show the cursor, reset attributes,
/// leave keypad-transmit mode.
static inline void sb_restore_terminal_now(void) {
    static const char reset[] = "\033[0m\033[?25h\033[?1049l\033[?1l\033>\r\n";
    if (*sb_saved_modes_valid()) tcsetattr(STDIN_FILENO, TCSANOW, sb_saved_modes());
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)ignored;
}

/// The handlers that were there before ours (Swift's backtracer, for one): a crash still
/// reaches them once the terminal is restored.
static inline struct sigaction *sb_previous_actions(void) {
    static struct sigaction actions[NSIG];
    return actions;
}

static inline void sb_fatal_signal_handler(int signal_number) {
    sb_restore_terminal_now();
    sigaction(signal_number, &sb_previous_actions()[signal_number], NULL);
    raise(signal_number);
}

static const int sb_fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};

/// On a crash (fatal signal), restore the terminal before the process dies.
static inline void sb_install_crash_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = sb_fatal_signal_handler;
    action.sa_flags = SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (unsigned i = 0; i < sizeof sb_fatal_signals / sizeof sb_fatal_signals[0]; i++) {
        int number = sb_fatal_signals[i];
        sigaction(number, &action, &sb_previous_actions()[number]);
    }
}

/// Puts the previous handlers back once the console has restored the terminal itself.
static inline void sb_remove_crash_handlers(void) {
    for (unsigned i = 0; i < sizeof sb_fatal_signals / sizeof sb_fatal_signals[0]; i++) {
        int number = sb_fatal_signals[i];
        sigaction(number, &sb_previous_actions()[number], NULL);
    }
}

/// Puts back the terminal modes saved before the console started (after endwin).
static inline void sb_restore_saved_modes(void) {
    if (*sb_saved_modes_valid()) tcsetattr(STDIN_FILENO, TCSANOW, sb_saved_modes());
}

// MARK: - Resize wake-up

static inline int *sb_resize_wake_descriptor(void) {
    static int descriptor = -1;
    return &descriptor;
}

static inline struct sigaction *sb_curses_resize_action(void) {
    static struct sigaction action;
    return &action;
}

/// SIGWINCH may be delivered to any thread, so it cannot be relied on to interrupt the
/// console thread's poll: wake it through its pipe, then let curses handle the resize.
static inline void sb_resize_handler(int signal_number) {
    // Curses first, so its resize flag is set before the console thread wakes and reads keys.
    struct sigaction *curses = sb_curses_resize_action();
    if (curses->sa_handler != SIG_DFL && curses->sa_handler != SIG_IGN && curses->sa_handler != NULL) {
        curses->sa_handler(signal_number);
    }
    int descriptor = *sb_resize_wake_descriptor();
    if (descriptor >= 0) {
        char byte = 'r';
        ssize_t ignored = write(descriptor, &byte, 1);
        (void)ignored;
    }
}

/// Call after initscr (which installs curses' own SIGWINCH handler).
static inline void sb_install_resize_wakeup(int descriptor) {
    *sb_resize_wake_descriptor() = descriptor;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = sb_resize_handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGWINCH, &action, sb_curses_resize_action());
}

#endif
