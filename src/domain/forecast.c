/* forecast.c - see forecast.h. Pure arithmetic, no allocation. */
#include "forecast.h"

#include <math.h>

#define FORECAST_PHI 0.9 /* trend damping */

/* Runs Holt's method over y[0..n) with the given parameters; returns the
 * sum of squared one-step-ahead errors and leaves the final level and
 * trend in f. */
static double holt_run(const double *y, int n, double alpha, double beta,
		       struct forecast_fit *f)
{
	double level = y[0], trend = 0, sse = 0;
	for (int t = 1; t < n; t++) {
		double pred = level + FORECAST_PHI * trend;
		sse += (y[t] - pred) * (y[t] - pred);
		double prev = level;
		level = alpha * y[t] + (1 - alpha) * pred;
		trend =
		    beta * (level - prev) + (1 - beta) * FORECAST_PHI * trend;
	}
	f->alpha = alpha;
	f->beta = beta;
	f->level = level;
	f->trend = trend;
	return sse;
}

/* Fits Holt's damped-trend method to y[0..n) choosing alpha on a 0.1
 * grid and beta in {0, 0.1, 0.2} by one-step-ahead squared error (a
 * small, damped trend keeps short noisy series from being extrapolated
 * to zero). Returns 0, or -1 when n < 3. */
int forecast_fit(const double *y, int n, struct forecast_fit *f)
{
	if (n < 3)
		return -1;
	double best = INFINITY;
	for (int a = 1; a <= 9; a++)
		for (int b = 0; b <= 2; b++) {
			struct forecast_fit t;
			double sse = holt_run(y, n, a / 10.0, b / 10.0, &t);
			if (sse < best) {
				best = sse;
				*f = t;
			}
		}
	return 0;
}

/* Writes the h forecasts after the fitted series to out (never below 0). */
void forecast_ahead(const struct forecast_fit *f, int h, double *out)
{
	double damp = 0, phik = 1;
	for (int k = 1; k <= h; k++) {
		phik *= FORECAST_PHI;
		damp += phik;
		double v = f->level + damp * f->trend;
		out[k - 1] = v > 0 ? v : 0;
	}
}

/* Back-test: fits on y[0..n-h), forecasts the last h values and stores
 * the mean absolute error in *mae, and that of the naive baseline (the
 * mean of the four values before the hold-out) in *naive_mae. Returns 0,
 * or -1 when the series is too short (n < h + 4). */
int forecast_backtest(const double *y, int n, int h, double *mae,
		      double *naive_mae)
{
	if (h <= 0 || h > 16 || n < h + 4)
		return -1;
	struct forecast_fit f;
	double pred[16];
	if (forecast_fit(y, n - h, &f) != 0)
		return -1;
	forecast_ahead(&f, h, pred);
	double naive =
	    (y[n - h - 1] + y[n - h - 2] + y[n - h - 3] + y[n - h - 4]) / 4.0;
	double e = 0, en = 0;
	for (int k = 0; k < h; k++) {
		e += fabs(y[n - h + k] - pred[k]);
		en += fabs(y[n - h + k] - naive);
	}
	*mae = e / h;
	*naive_mae = en / h;
	return 0;
}

/* Returns P(X >= k) for X ~ Poisson(lambda). */
double forecast_poisson_tail(double lambda, int k)
{
	if (k <= 0)
		return 1.0;
	if (lambda <= 0)
		return 0.0;
	if (lambda > 500) /* exp(-lambda) underflows: normal approximation */
		return 0.5 * erfc((k - 0.5 - lambda) / sqrt(2 * lambda));
	double term = exp(-lambda), cdf = 0;
	for (int i = 0; i < k; i++) {
		cdf += term;
		term *= lambda / (i + 1);
	}
	double tail = 1.0 - cdf;
	return tail < 0 ? 0 : tail;
}
