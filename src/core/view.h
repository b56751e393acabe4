/* view.h - the templates: loaded once per program, rendered into a
 * buffer by name (pages, email bodies). view_render, which renders a
 * request's outcome, is declared with the request context in http.h. */
#ifndef SECURA_VIEW_H
#define SECURA_VIEW_H

#include "buf.h"

#include <jansson.h>
#include <stddef.h>

int view_load_templates(const char *dir, char *err, size_t errlen);
int view_render_template(const char *name, json_t *data, buf *out);
int view_render_text(const char *name, json_t *data, buf *out);
void view_free_templates(void);
json_t *view_choices(const char *const *names, const char *selected);
void view_flag(json_t *o, const char *value);

#endif
