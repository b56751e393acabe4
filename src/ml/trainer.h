/* trainer.h - `secura ml train` and `secura ml eval`: read labelled JSONL
 * or CSV (with a header row), or several of them through a manifest that
 * maps their labels onto Secura's, split, train or load a model, and
 * report metrics. */
#ifndef SECURA_TRAINER_H
#define SECURA_TRAINER_H

#include <jansson.h>
#include <stdio.h>

struct trainer_opts {
	const char *data;	 /* JSONL file, one object per line */
	const char *text_field;	 /* default "text" */
	const char *label_field; /* default "label" */
	const char *split;	 /* {"train": [ids], "test": [ids]} or NULL */
	const char *test;	 /* a separate test file (same fields) */
	int year_split;		 /* train year < Y, test year >= Y; 0 = off */
	double test_fraction;	 /* stratified random test part; 0 = off */
	unsigned long seed;	 /* for test_fraction */
	const char *model;	 /* output (train) or input (eval) */
	double C;		 /* SVM cost, default 1 */
	int unbalanced;		 /* 1: equal class weights */
	int lr;			 /* 1: logistic regression, 0: linear SVM */
	int chars; /* character n-grams up to this (3-6), 0: words only */
	const char *manifest; /* JSON: sources, label maps, options (instead of
				 data, fields and split) */
	const char *datasets; /* the manifest's files are relative to this */
	json_t **metrics;     /* when set: gets the test metrics (new ref) */
	const char *write_split; /* when set: the ids of each part, as JSON */
};

int trainer_train(const struct trainer_opts *o, FILE *out);
int trainer_eval(const struct trainer_opts *o, FILE *out);

#endif
