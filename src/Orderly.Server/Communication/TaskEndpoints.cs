using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>Follow-up tasks.</summary>
public static class TaskEndpoints
{
    public static void MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").WithTags("Communication").RequireAuthorization(CommunicationPolicies.Communicate);
        tasks.MapPost("/", CreateAsync).WithName("CreateTask").AcceptsIdempotencyKey().Produces<TaskDto>(StatusCodes.Status201Created)
            .WithSummary("Creates a follow-up task for a user, optionally on a customer, order or quotation.");
        tasks.MapGet("/", ListAsync).WithName("ListTasks").WithSummary("Tasks by assignee and state (open, overdue, done, all), soonest due first; yours and your customers'.");
        tasks.MapPost("/{id:guid}/complete", CompleteAsync).WithName("CompleteTask").WithSummary("Marks a task done; a done task cannot be completed again (409).");
    }

    private static Task<IResult> CreateAsync(TaskRequest request, TaskService tasks, Idempotency idempotency, Caller caller, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct) =>
        idempotency.CreateAsync<TaskRequest, TaskDto>(http, json.Value.SerializerOptions, "tasks", caller.PersonId, request,
            beforeCommit => tasks.CreateAsync(request, beforeCommit, ct), dto => $"/api/tasks/{dto.Id}");

    private static async Task<Ok<TaskListDto>> ListAsync(Guid? assigneeId, string? state, int? limit, TaskService tasks, CancellationToken ct) =>
        TypedResults.Ok(await tasks.ListAsync(assigneeId, state, limit, ct));

    private static async Task<Ok<TaskDto>> CompleteAsync(Guid id, TaskService tasks, CancellationToken ct) =>
        TypedResults.Ok(await tasks.CompleteAsync(id, ct));
}
