// Google Benchmark over the kernel registry, with the dense baseline (system OpenBLAS sgemm) in the
// same binary and the same process, on shapes from real models (bench/shapes/*.txt) or given on
// the command line.
//
//   bench_bsrmm [--shape MxKxN[,..]] [--shapes FILE[,..]] [--density D[,..]] [--blocks RxC[,..]|all]
//               [--threads T[,..]] [--isa auto|all|avx512|avx2|generic|ref] [--reps N] [--min-time S]
//               [--table] [--json FILE] [--no-interleave] [--benchmark_* flags of Google Benchmark]
//
// Names: f32_bsrmm_b8x8__avx2/bert_ffn_up/d0.10/t2 and sgemm_openblas/bert_ffn_up/t2, so
// --benchmark_filter works as usual. Counters: GFLOPs_nz (2 * stored nonzeros * n / time),
// GFLOPs_dense_eq (2 * m * k * n / time) and speedup (dense median time / this time, when the
// dense baseline of the same shape and thread count ran first, which it does by default).
// With --table or --json the runs are summarised by their median over --reps repetitions, which
// run in random interleaved order (--no-interleave: one benchmark after the other).
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "pruneaug/pruneaug.h"
#include "random_bsr.h"

#ifndef PA_SHAPES_DIR
#define PA_SHAPES_DIR "bench/shapes"
#endif

namespace {

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "bench_bsrmm: %s\n", message.c_str());
  std::exit(2);
}

struct Shape {
  std::string name;
  int32_t m, k, n;
};

struct Options {
  std::vector<Shape> shapes;
  std::vector<double> densities{0.1};
  std::vector<std::pair<int, int>> blocks;
  std::vector<int> threads{1};
  std::string isa = "auto";
  std::string json;
  bool table = false;
  bool interleave = true;
  int reps = 5;
  double min_time = 0.1;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

long parse_int(const std::string& s, const std::string& flag, long lo, long hi) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < lo || v > hi) {
    usage_error(flag + " wants an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + s + "'");
  }
  return v;
}

double parse_double(const std::string& s, const std::string& flag, double lo, double hi) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(v >= lo && v <= hi)) {
    usage_error(flag + " wants a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + s + "'");
  }
  return v;
}

Shape parse_shape(const std::string& s) {
  const std::vector<std::string> d = split(s, 'x');
  if (d.size() != 3) usage_error("--shape wants MxKxN (e.g. 1024x1024x256), got '" + s + "'");
  return {s, (int32_t)parse_int(d[0], "--shape M", 1, 1 << 20), (int32_t)parse_int(d[1], "--shape K", 1, 1 << 20),
          (int32_t)parse_int(d[2], "--shape N", 1, 1 << 24)};
}

// A shape file: "name M K N" per line; '#' starts a comment.
void read_shape_file(const std::string& path, std::vector<Shape>& out) {
  std::ifstream in(path);
  if (!in) usage_error("cannot read shape file " + path);
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    line = line.substr(0, line.find('#'));
    std::istringstream fields(line);
    Shape s;
    if (!(fields >> s.name)) continue;
    if (!(fields >> s.m >> s.k >> s.n) || s.m < 1 || s.k < 1 || s.n < 1) {
      usage_error(path + ":" + std::to_string(no) + ": want 'name M K N' with positive sizes");
    }
    out.push_back(s);
  }
}

std::vector<std::string> default_shape_files() {
  std::vector<std::string> files;
  if (DIR* dir = opendir(PA_SHAPES_DIR)) {
    while (dirent* e = readdir(dir)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".txt") == 0) files.push_back(PA_SHAPES_DIR "/" + name);
    }
    closedir(dir);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Takes our flags out of argv (leaving Google Benchmark's) and checks them.
Options parse_options(int* argc, char** argv) {
  Options o;
  const char* dims[] = {"1", "2", "4", "8", "16", "32"};
  for (const char* r : dims) {
    for (const char* c : dims) o.blocks.emplace_back(std::atoi(r), std::atoi(c));
  }
  std::vector<std::string> shape_files;
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--benchmark_", 0) == 0 || arg.rfind("--", 0) != 0) {
      argv[kept++] = argv[i];
      continue;
    }
    std::string value;
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (arg != "--table" && arg != "--no-interleave") {
      if (i + 1 >= *argc) usage_error(arg + " needs a value");
      value = argv[++i];
    }
    if (arg == "--shape") {
      for (const std::string& s : split(value, ',')) o.shapes.push_back(parse_shape(s));
    } else if (arg == "--shapes") {
      for (const std::string& f : split(value, ',')) shape_files.push_back(f);
    } else if (arg == "--density") {
      o.densities.clear();
      for (const std::string& d : split(value, ',')) o.densities.push_back(parse_double(d, "--density", 0.0, 1.0));
    } else if (arg == "--blocks") {
      if (value != "all") {
        o.blocks.clear();
        for (const std::string& b : split(value, ',')) {
          const std::vector<std::string> rc = split(b, 'x');
          if (rc.size() != 2) usage_error("--blocks wants RxC[,RxC..] or all, got '" + b + "'");
          const int r = (int)parse_int(rc[0], "--blocks rows", 1, 32), c = (int)parse_int(rc[1], "--blocks cols", 1, 32);
          if (pa_kernel_find("ref", r, c) < 0) usage_error("no kernels for block " + b + ": r and c must be 1, 2, 4, 8, 16 or 32");
          o.blocks.emplace_back(r, c);
        }
      }
    } else if (arg == "--threads") {
      o.threads.clear();
      for (const std::string& t : split(value, ',')) o.threads.push_back((int)parse_int(t, "--threads", 1, 256));
    } else if (arg == "--isa") {
      o.isa = value;
      bool known = value == "auto" || value == "all";
      for (int k = 0; k < pa_kernel_count(); ++k) known = known || value == pa_kernel_isa(k);
      if (!known) usage_error("unknown --isa '" + value + "' (auto, all, or an ISA of the registry)");
      if (value != "auto" && value != "all" && !pa_kernel_available(pa_kernel_find(value.c_str(), 1, 1))) {
        usage_error("--isa " + value + ": this CPU lacks it (features: " + pa_cpu_features() + ")");
      }
    } else if (arg == "--reps") {
      o.reps = (int)parse_int(value, "--reps", 1, 1000);
    } else if (arg == "--min-time") {
      o.min_time = parse_double(value, "--min-time", 0.001, 100.0);
    } else if (arg == "--json") {
      if (value.empty()) usage_error("--json needs a file name");
      o.json = value;
    } else if (arg == "--table") {
      o.table = true;
    } else if (arg == "--no-interleave") {
      o.interleave = false;
    } else {
      usage_error("unknown option " + arg + " (see the top of bench/bench_bsrmm.cc)");
    }
  }
  *argc = kept;
  if (o.shapes.empty() && shape_files.empty()) shape_files = default_shape_files();
  for (const std::string& f : shape_files) read_shape_file(f, o.shapes);
  if (o.shapes.empty()) usage_error("no shapes: give --shape MxKxN or --shapes FILE");
  if (o.densities.empty() || o.threads.empty() || o.blocks.empty()) usage_error("empty --density, --threads or --blocks");
  return o;
}

// --- operands, generated once per shape / weight and reused across benchmarks -------------------

uint64_t seed_of(const Shape& s, int br, int bc, double density) {
  return 1469598103934665603ull ^ ((uint64_t)s.m << 40) ^ ((uint64_t)s.k << 20) ^ (uint64_t)s.n ^
         ((uint64_t)br << 56) ^ ((uint64_t)bc << 50) ^ (uint64_t)std::llround(density * 1e6) << 8;
}

struct Activations {
  std::string key;
  std::vector<float> x, y, w_dense;
};

const Activations& activations(const Shape& s) {
  static Activations a;
  const std::string key = std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n);
  if (a.key != key) {
    a.key = key;
    a.x = pa_test::random_floats((size_t)s.k * s.n, seed_of(s, 0, 0, 0));
    a.w_dense = pa_test::random_floats((size_t)s.m * s.k, seed_of(s, 0, 0, 0) + 1);
    a.y.assign((size_t)s.m * s.n, 0.0f);
  }
  return a;
}

const pa_test::RandomBsr& weight(const Shape& s, int br, int bc, double density) {
  static std::unique_ptr<pa_test::RandomBsr> w;
  static uint64_t cached = 0;
  const uint64_t seed = seed_of(s, br, bc, density);
  if (!w || cached != seed || w->m != s.m || w->k != s.k) {
    w.reset();  // free the previous weight before building the next one
    w = std::make_unique<pa_test::RandomBsr>(pa_test::random_bsr(s.m, s.k, br, bc, density, seed));
    cached = seed;
  }
  return *w;
}

// --- results -------------------------------------------------------------------------------------

struct Meta {
  std::string kernel, isa, block, shape;
  int32_t m, k, n;
  double density;
  int threads;
  int64_t nonzeros;  // stored nonzeros inside m x k (m * k for dense); set when the weight is built
  std::string dense_key;
  size_t order = 0;  // registration order: the table lists results in it
};

struct Result {
  Meta meta;
  double median_ms = 0, min_ms = 0;
  double median_cpu_ms = 0;  // CPU time of the calling thread: excludes time the OS ran others
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

std::map<std::string, Meta> g_meta;            // by benchmark name
// Fastest dense median seen per dense_key (shape and threads), in ms. The baseline runs before
// and after the sparse kernels of its shape; speedups use the faster run, so a baseline slowed
// down by a noisy neighbour cannot flatter the sparse kernels.
std::map<std::string, double> g_dense_median;
std::vector<Result> g_results;

std::string dense_key(const Shape& s, int threads) { return s.name + "/t" + std::to_string(threads); }

double gflops(double flops, double ms) { return ms > 0 ? flops / (ms * 1e6) : 0.0; }

// Times the loop itself (wall clock: the kernel runs on several threads) and sets the counters.
template <class Call>
void timed_loop(benchmark::State& state, const Meta& meta, Call call) {
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) call();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / state.iterations();
  state.counters["GFLOPs_nz"] = gflops(2.0 * meta.nonzeros * meta.n, ms);
  state.counters["GFLOPs_dense_eq"] = gflops(2.0 * meta.m * meta.k * meta.n, ms);
  const auto dense = g_dense_median.find(meta.dense_key);
  if (dense != g_dense_median.end()) state.counters["speedup"] = dense->second / ms;
}

void bench_dense(benchmark::State& state, std::string name, Shape s) {
  const Meta& meta = g_meta.at(name);
  openblas_set_num_threads(meta.threads);  // explicit: OpenBLAS would otherwise take every core
  const Activations& a = activations(s);
  float* y = const_cast<float*>(a.y.data());
  timed_loop(state, meta, [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s.m, s.n, s.k, 1.0f, a.w_dense.data(), s.k, a.x.data(), s.n,
                0.0f, y, s.n);
  });
}

void bench_sparse(benchmark::State& state, std::string name, Shape s, int kernel, int br, int bc) {
  Meta& meta = g_meta.at(name);
  const Activations& a = activations(s);
  const pa_test::RandomBsr& w = weight(s, br, bc, meta.density);
  meta.nonzeros = w.stored_nonzeros();
  const pa_bsr_f32 view = w.view();
  float* y = const_cast<float*>(a.y.data());
  if (pa_f32_bsrmm(kernel, &view, s.n, a.x.data(), s.n, y, s.n, nullptr, PA_ACT_NONE, meta.threads) != PA_OK) {
    state.SkipWithError(pa_last_error());
    return;
  }
  timed_loop(state, meta, [&] {
    pa_f32_bsrmm(kernel, &view, s.n, a.x.data(), s.n, y, s.n, nullptr, PA_ACT_NONE, meta.threads);
  });
}

// Records the median of every benchmark (and feeds the dense medians to the speedup counter);
// shows Google Benchmark's usual output, or one progress line per benchmark in summary mode.
class Collector : public benchmark::BenchmarkReporter {
 public:
  Collector(benchmark::BenchmarkReporter* display, size_t total) : display_(display), total_(total) {}
  bool ReportContext(const Context& context) override { return display_ ? display_->ReportContext(context) : true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<double> ms, cpu_ms;
    std::string name;
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      name = run.run_name.function_name;
      ms.push_back(run.GetAdjustedRealTime() / 1000.0);  // time unit is us (set at registration)
      cpu_ms.push_back(run.GetAdjustedCPUTime() / 1000.0);
    }
    if (!ms.empty() && g_meta.count(name)) {
      Result r{g_meta.at(name), median(ms), *std::min_element(ms.begin(), ms.end()), median(cpu_ms)};
      if (r.meta.block == "dense") {
        const auto seen = g_dense_median.find(r.meta.dense_key);
        if (seen == g_dense_median.end() || r.median_ms < seen->second) g_dense_median[r.meta.dense_key] = r.median_ms;
      }
      g_results.push_back(r);
      if (!display_) {
        std::fprintf(stderr, "[%zu/%zu] %-48s %9.4f ms\n", g_results.size(), total_, name.c_str(), r.median_ms);
      }
    }
    if (display_) display_->ReportRuns(runs);
  }
  void Finalize() override {
    if (display_) display_->Finalize();
  }

 private:
  benchmark::BenchmarkReporter* display_;
  size_t total_;
};

std::string context_line(const Options& o) {
  std::ostringstream s;
  char host[256] = "?";
  gethostname(host, sizeof host);
  s << "CPU features \"" << pa_cpu_features() << "\", best ISA " << pa_cpu_best_isa() << ", "
    << benchmark::CPUInfo::Get().num_cpus << " CPUs; dense baseline " << openblas_get_config() << " (core "
    << openblas_get_corename() << "); median of " << o.reps << " repetitions of >= " << o.min_time << " s";
  return s.str();
}

void sort_results() {
  std::stable_sort(g_results.begin(), g_results.end(),
                   [](const Result& a, const Result& b) { return a.meta.order < b.meta.order; });
}

void print_table(const Options& o) {
  std::printf("# %s\n", context_line(o).c_str());
  std::printf("%-28s %-6s %-18s %7s %4s %10s %11s %13s %8s\n", "kernel", "block", "shape (MxKxN)", "density", "thr",
              "median_ms", "GFLOP/s_nz", "GFLOP/s_dense", "speedup");
  for (const Result& r : g_results) {
    const auto dense = g_dense_median.find(r.meta.dense_key);
    char speedup[32] = "-";
    if (dense != g_dense_median.end()) std::snprintf(speedup, sizeof speedup, "%.2fx", dense->second / r.median_ms);
    const std::string dims = std::to_string(r.meta.m) + "x" + std::to_string(r.meta.k) + "x" + std::to_string(r.meta.n);
    std::printf("%-28s %-6s %-18s %7.2f %4d %10.4f %11.1f %13.1f %8s\n", r.meta.kernel.c_str(), r.meta.block.c_str(),
                dims.c_str(), r.meta.density, r.meta.threads, r.median_ms,
                gflops(2.0 * r.meta.nonzeros * r.meta.n, r.median_ms),
                gflops(2.0 * r.meta.m * r.meta.k * r.meta.n, r.median_ms), speedup);
  }
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if ((unsigned char)c < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

// A JSON list of flat objects, written to a temporary file and renamed into place.
void write_json(const Options& o, const std::string& path) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp);
    if (!out) usage_error("cannot write " + tmp);
    out << "[\n";
    for (size_t i = 0; i < g_results.size(); ++i) {
      const Result& r = g_results[i];
      const auto dense = g_dense_median.find(r.meta.dense_key);
      char num[512];
      std::snprintf(num, sizeof num,
                    "\"m\": %d, \"k\": %d, \"n\": %d, \"density\": %.6g, \"threads\": %d, \"median_ms\": %.6g, "
                    "\"min_ms\": %.6g, \"median_cpu_ms\": %.6g, \"gflops\": %.6g, \"gflops_dense_equiv\": %.6g, \"speedup_vs_dense\": %.6g, "
                    "\"nonzeros\": %lld, \"reps\": %d",
                    r.meta.m, r.meta.k, r.meta.n, r.meta.density, r.meta.threads, r.median_ms, r.min_ms, r.median_cpu_ms,
                    gflops(2.0 * r.meta.nonzeros * r.meta.n, r.median_ms),
                    gflops(2.0 * r.meta.m * r.meta.k * r.meta.n, r.median_ms),
                    dense != g_dense_median.end() ? dense->second / r.median_ms : 0.0, (long long)r.meta.nonzeros,
                    o.reps);
      out << "  {\"kernel\": " << json_string(r.meta.kernel) << ", \"isa\": " << json_string(r.meta.isa)
          << ", \"block\": " << json_string(r.meta.block) << ", \"shape\": " << json_string(r.meta.shape) << ", " << num
          << ", \"cpu_features\": " << json_string(pa_cpu_features())
          << ", \"dense_baseline\": " << json_string(std::string("OpenBLAS ") + openblas_get_corename()) << "}"
          << (i + 1 < g_results.size() ? "," : "") << "\n";
    }
    out << "]\n";
    if (!out.flush()) usage_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) usage_error("cannot rename " + tmp + " to " + path);
}

std::vector<std::string> isas_to_run(const std::string& isa) {
  if (isa == "auto") return {pa_cpu_best_isa()};
  std::vector<std::string> out;
  for (int k = 0; k < pa_kernel_count(); ++k) {
    const std::string i = pa_kernel_isa(k);
    const bool wanted = isa == "all" ? pa_kernel_available(k) != 0 : i == isa;
    if (wanted && std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  }
  return out;
}

size_t register_benchmarks(const Options& o) {
  size_t count = 0;
  auto configure = [&](const std::string& name, benchmark::internal::Benchmark* b) {
    g_meta[name].order = count;
    b->Unit(benchmark::kMicrosecond)->UseRealTime()->Repetitions(o.reps)->MinTime(o.min_time);
    ++count;
  };
  char density[32];
  for (const Shape& s : o.shapes) {
    for (int t : o.threads) {
      const std::string dense = "sgemm_openblas/" + s.name + "/t" + std::to_string(t);
      auto add_dense = [&](const std::string& name) {
        g_meta[name] = {"sgemm_openblas", "openblas", "dense", s.name, s.m, s.k, s.n, 1.0, t, (int64_t)s.m * s.k,
                        dense_key(s, t)};
        configure(name, benchmark::RegisterBenchmark(name.c_str(), bench_dense, name, s));
      };
      add_dense(dense);
      size_t sparse = 0;
      for (double d : o.densities) {
        std::snprintf(density, sizeof density, "d%.2f", d);
        for (const std::string& isa : isas_to_run(o.isa)) {
          for (const auto& [br, bc] : o.blocks) {
            const int kernel = pa_kernel_find(isa.c_str(), br, bc);
            if (kernel < 0 || !pa_kernel_available(kernel)) continue;
            const std::string kname = pa_kernel_name(kernel);
            const std::string bname = kname + "/" + s.name + "/" + density + "/t" + std::to_string(t);
            g_meta[bname] = {kname, isa, std::to_string(br) + "x" + std::to_string(bc), s.name, s.m, s.k, s.n, d, t,
                             0, dense_key(s, t)};
            configure(bname, benchmark::RegisterBenchmark(bname.c_str(), bench_sparse, bname, s, kernel, br, bc));
            ++sparse;
          }
        }
      }
      // a long run without interleaving: measure the baseline again at the end, in case it drifted
      if (sparse > 8 && !o.interleave) add_dense(dense + "/again");
    }
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(&argc, argv);
  const bool summary = options.table || !options.json.empty();
  // In summary mode the repetitions of all benchmarks run in random interleaved order, so a burst
  // of load from another process spreads over many kernels' repetitions (and the median drops
  // it) instead of spoiling every repetition of the kernels that happened to run at that time.
  std::vector<char*> args(argv, argv + argc);
  char interleave[] = "--benchmark_enable_random_interleaving=true";
  if (summary && options.interleave) args.insert(args.begin() + 1, interleave);
  int args_count = (int)args.size();
  const size_t total = register_benchmarks(options);
  benchmark::Initialize(&args_count, args.data());
  argc = args_count;
  argv = args.data();
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  std::unique_ptr<benchmark::BenchmarkReporter> display(summary ? nullptr : benchmark::CreateDefaultDisplayReporter());
  if (summary) std::fprintf(stderr, "# %s\n", context_line(options).c_str());
  Collector collector(display.get(), total);
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  sort_results();
  if (options.table) print_table(options);
  if (!options.json.empty()) write_json(options, options.json);
  return 0;
}
