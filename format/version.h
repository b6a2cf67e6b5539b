/* version.h - the one version number of the pair.  capture stamps it in every
 * capture header's writer string ("capture 0.2.0"); both binaries print it
 * for -V / --version, and `make install` names nothing else. */
#ifndef IOWD_VERSION_H
#define IOWD_VERSION_H

#define IOWD_VERSION "0.2.0"

#endif
