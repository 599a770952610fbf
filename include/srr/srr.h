/* SPDX-License-Identifier: MIT */
#ifndef SRR_H
#define SRR_H

/**
 * @file srr/srr.h
 * libsrr, the supplier risk register library. Include this one header.
 */

#include <srr/common.h>
#include <srr/register.h>
#include <srr/record.h>
#include <srr/supplier.h>
#include <srr/contract.h>
#include <srr/sla.h>
#include <srr/log.h>
#include <srr/policy.h>
#include <srr/review.h>
#include <srr/incident.h>
#include <srr/risk.h>
#include <srr/due.h>
#include <srr/token.h>
#include <srr/approval.h>
#include <srr/checkpoint.h>
#include <srr/bundle.h>
#include <srr/import.h>
#include <srr/report.h>

#endif
