/*
 * entry.h - alot-verify's main(), renamed for the browser verifier: the web
 * build compiles verify/main.c with -Dmain=alot_verify_main and this header
 * forced in (-include), and web/main.c calls it.
 */
#ifndef ALOT_WEB_ENTRY_H
#define ALOT_WEB_ENTRY_H
int alot_verify_main(int argc, char **argv);
#endif
