#!/usr/bin/env python3
"""Converts Natural Earth's 110m countries, as the npm package world-atlas
ships them (TopoJSON), once into data/world/countries.tsv: one line per
country with its ISO 3166-1 alpha-2 code (from Debian's iso-codes), name
and SVG path in an equirectangular projection of a 1000 x 500 viewBox.

Usage (from the project's root):
  npm install --prefix /tmp/wa world-atlas@2
  tools/world_map.py /tmp/wa/node_modules/world-atlas/countries-110m.json \
      /usr/share/iso-codes/json/iso_3166-1.json > data/world/countries.tsv
"""
import json
import sys


def main(topo_path, iso_path):
    topo = json.load(open(topo_path))
    iso = json.load(open(iso_path))["3166-1"]
    alpha2 = {c["numeric"]: c["alpha_2"] for c in iso}
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # delta-encoded, quantised positions
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            lon, lat = x * sx + tx, y * sy + ty
            pts.append((round((lon + 180) * 1000 / 360, 1), round((90 - lat) * 500 / 180, 1)))
        arcs.append(pts)

    def ring(indices):
        pts = []
        for i in indices:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a if not pts else a[1:])
        # a ring crossing the antimeridian jumps across the map: move there
        # instead of drawing a line
        d = ""
        for k, (x, y) in enumerate(pts):
            jump = k and abs(x - pts[k - 1][0]) > 500
            d += ("M" if k == 0 or jump else "L") + f"{x:g},{y:g}"
        return d + "Z"

    for g in topo["objects"]["countries"]["geometries"]:
        polys = g.get("arcs", [])
        if g["type"] == "Polygon":
            polys = [polys]
        d = "".join(ring(r) for poly in polys for r in poly)
        code = alpha2.get(g.get("id", ""), "")
        if code == "" and g["properties"]["name"] == "Kosovo":
            code = "XK"
        if d and code:
            print(f"{code}\t{g['properties']['name']}\t{d}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
