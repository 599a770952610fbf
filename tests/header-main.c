/* SPDX-License-Identifier: MIT */
/* The program the header translation units link into: it runs, so the
 * library links from C and from C++ (the declarations are extern "C"). */
#include <srr/srr.h>

int
main(void)
{
	struct srr_register *reg = NULL;
	int rc = srr_register_new(&reg);
	srr_register_free(reg);
	return rc != 0 || srr_version()[0] == '\0';
}
