/* sfp-machine.h - glibc's soft-fp (fetched at build time from Debian's glibc
 * source) configured for 32-bit big-endian MIPS without an FPU.
 *
 * Why: Debian's mips libgcc is built for hard-float.  Its __adddf3,
 * __floatsidf, ... are single FPU instructions that read their arguments
 * from FPU registers, so a -msoft-float program (arguments in integer
 * registers) gets wrong results from them, and SIGILL on an FPU-less core
 * without the kernel's FPU emulator (OpenWrt turns it off).  musl's strtod
 * and printf("%f") call them.  Linking these soft-fp routines first keeps
 * libgcc's out.  Modelled on libgcc's config/mips/sfp-machine.h: no
 * exceptions, round to nearest, the legacy MIPS NaN encoding.
 */
#define _FP_W_TYPE_SIZE 32
#define _FP_W_TYPE unsigned long
#define _FP_WS_TYPE signed long
#define _FP_I_TYPE long

#define _FP_MUL_MEAT_S(R, X, Y) _FP_MUL_MEAT_1_wide(_FP_WFRACBITS_S, R, X, Y, umul_ppmm)
#define _FP_MUL_MEAT_D(R, X, Y) _FP_MUL_MEAT_2_wide(_FP_WFRACBITS_D, R, X, Y, umul_ppmm)
#define _FP_MUL_MEAT_Q(R, X, Y) _FP_MUL_MEAT_4_wide(_FP_WFRACBITS_Q, R, X, Y, umul_ppmm)
#define _FP_DIV_MEAT_S(R, X, Y) _FP_DIV_MEAT_1_udiv_norm(S, R, X, Y)
#define _FP_DIV_MEAT_D(R, X, Y) _FP_DIV_MEAT_2_udiv(D, R, X, Y)
#define _FP_DIV_MEAT_Q(R, X, Y) _FP_DIV_MEAT_4_udiv(Q, R, X, Y)

/* Legacy MIPS NaNs: a quiet NaN has the top fraction bit clear. */
#define _FP_NANFRAC_S ((_FP_QNANBIT_S << 1) - 1)
#define _FP_NANFRAC_D ((_FP_QNANBIT_D << 1) - 1), -1
#define _FP_NANFRAC_Q ((_FP_QNANBIT_Q << 1) - 1), -1, -1, -1
#define _FP_NANSIGN_S 0
#define _FP_NANSIGN_D 0
#define _FP_NANSIGN_Q 0
#define _FP_KEEPNANFRACP 1
#define _FP_QNANNEGATEDP 1
#define _FP_CHOOSENAN(fs, wc, R, X, Y, OP)              \
	do {                                            \
		R##_s = _FP_NANSIGN_##fs;               \
		_FP_FRAC_SET_##wc(R, _FP_NANFRAC_##fs); \
		R##_c = FP_CLS_NAN;                     \
	} while (0)
#define _FP_TININESS_AFTER_ROUNDING 0

/* No FPU, so no status register: exceptions are dropped, rounding is to
 * nearest (soft-fp's default when FP_ROUNDMODE is not defined). */
#define FP_EX_INVALID 0
#define FP_EX_OVERFLOW 0
#define FP_EX_UNDERFLOW 0
#define FP_EX_DIVZERO 0
#define FP_EX_INEXACT 0

#define __LITTLE_ENDIAN 1234
#define __BIG_ENDIAN 4321
#define __BYTE_ORDER __BIG_ENDIAN

/* The two longlong.h primitives soft-fp needs, in plain C, so that gcc's
 * longlong.h is not needed: 32x32->64 multiply, 64/32 divide (n1 < d). */
#define umul_ppmm(w1, w0, u, v)                                              \
	do {                                                                 \
		unsigned long long __p = (unsigned long long)(u) * (v);      \
		(w1) = (unsigned long)(__p >> 32);                           \
		(w0) = (unsigned long)__p;                                   \
	} while (0)
#define udiv_qrnnd(q, r, n1, n0, d)                                          \
	do {                                                                 \
		unsigned long long __n = ((unsigned long long)(n1) << 32) | (n0); \
		(q) = (unsigned long)(__n / (d));                            \
		(r) = (unsigned long)(__n % (d));                            \
	} while (0)
#define UDIV_NEEDS_NORMALIZATION 0
/* Two-word add and subtract with carry, also from longlong.h's C fallback. */
#define add_ssaaaa(sh, sl, ah, al, bh, bl)                                   \
	do {                                                                 \
		unsigned long __x = (al) + (bl);                             \
		(sh) = (ah) + (bh) + (__x < (al));                           \
		(sl) = __x;                                                  \
	} while (0)
#define sub_ddmmss(sh, sl, ah, al, bh, bl)                                   \
	do {                                                                 \
		unsigned long __x = (al) - (bl);                             \
		(sh) = (ah) - (bh) - (__x > (al));                           \
		(sl) = __x;                                                  \
	} while (0)

/* glibc's own macro (libc-symbols.h): __nedf2 is __eqdf2, __gtdf2 is
 * __gedf2, and so on. */
#define strong_alias(name, aliasname) \
	extern __typeof(name) aliasname __attribute__((alias(#name)));
