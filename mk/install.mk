# install.mk - make install / make uninstall, the GNU way.
#
#   make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage]
#   make uninstall (same PREFIX and DESTDIR)
#
# Installs both binaries, the man pages capture.1 and analyze.1, and the
# bash completion under both command names (bash-completion loads a file
# named after the command on first use).  Packagers set DESTDIR; nothing
# here runs as root by itself or writes outside $(DESTDIR)$(PREFIX).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL ?= install

.PHONY: install uninstall

install: $(O)/capture $(O)/analyze
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 755 $(O)/capture $(O)/analyze $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 man/capture.1 man/analyze.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 completion/iowait-doctor.bash $(DESTDIR)$(BASHCOMPDIR)/capture
	$(INSTALL) -m 644 completion/iowait-doctor.bash $(DESTDIR)$(BASHCOMPDIR)/analyze

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/capture $(DESTDIR)$(BINDIR)/analyze \
		$(DESTDIR)$(MANDIR)/man1/capture.1 $(DESTDIR)$(MANDIR)/man1/analyze.1 \
		$(DESTDIR)$(BASHCOMPDIR)/capture $(DESTDIR)$(BASHCOMPDIR)/analyze
