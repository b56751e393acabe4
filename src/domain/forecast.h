/* forecast.h - weekly incident volumes: Holt's exponential smoothing
 * with a damped trend, with its parameters chosen on one-step-ahead errors, a
 * back-test against a naive baseline, and a Poisson tail test that flags
 * an anomalously busy week. */
#ifndef SECURA_FORECAST_H
#define SECURA_FORECAST_H

struct forecast_fit {
	double alpha, beta; /* chosen smoothing parameters */
	double level, trend;
};

int forecast_fit(const double *y, int n, struct forecast_fit *f);
void forecast_ahead(const struct forecast_fit *f, int h, double *out);
int forecast_backtest(const double *y, int n, int h, double *mae,
		      double *naive_mae);
double forecast_poisson_tail(double lambda, int k);

#endif
